package search_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"zhenxing"
	"zhenxing/internal/testdb"
	"zhenxing/search"
	"zhenxing/search/searchtest"
)

// TestMeiliConformance runs the conformance suite against the Meilisearch server of MEILI_URL,
// each case in indexes of its own that are deleted afterwards.
func TestMeiliConformance(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: no Meilisearch server on this machine")
	}
	key := os.Getenv("MEILI_KEY")
	searchtest.Run(t, func(t *testing.T) search.Engine {
		t.Helper()
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		prefix := "zhenxing_test_" + hex.EncodeToString(b) + "_"
		e, err := search.NewMeili(context.Background(), search.MeiliConfig{URL: url, Key: key, IndexPrefix: prefix, Timeout: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			e.Close()
			var opts []meilisearch.Option
			if key != "" {
				opts = append(opts, meilisearch.WithAPIKey(key))
			}
			c := meilisearch.New(url, opts...)
			defer c.Close()
			for _, uid := range []string{prefix + "records", prefix + "records_new"} {
				if _, err := c.DeleteIndex(context.Background(), uid); err != nil {
					t.Logf("delete index %s: %v", uid, err)
				}
			}
		})
		return e
	})
}

// A server that cannot be reached is unavailable, with the Chinese message and the cause.
func TestMeiliUnreachable(t *testing.T) {
	_, err := search.NewMeili(context.Background(), search.MeiliConfig{URL: "http://" + testdb.ClosedAddr(t), Timeout: 2 * time.Second})
	assertUnavailable(t, err)
}

// A server that accepts connections and never answers is unavailable once the timeout passes.
func TestMeiliSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	_, err = search.NewMeili(context.Background(), search.MeiliConfig{URL: "http://" + l.Addr().String(), Timeout: 200 * time.Millisecond})
	assertUnavailable(t, err)
}

func assertUnavailable(t *testing.T, err error) {
	t.Helper()
	if zhenxing.ErrorCode(err) != zhenxing.EUnavailable {
		t.Fatalf("want an unavailable error, got %v", err)
	}
	if msg := zhenxing.ErrorMessage(err); msg != "搜索暂时无法使用，请稍后再试。" {
		t.Errorf("message %q", msg)
	}
	var e *zhenxing.Error
	if !errors.As(err, &e) || e.Err == nil {
		t.Errorf("the cause is not wrapped: %#v", err)
	}
}
