package site

import (
	"fmt"
	"testing"
	"time"

	"zhenxing/content"
)

// TestHallCacheAgesOut fills the hall cache and checks that its entries are dropped by age, not
// only when it is full: a lookup or an insert one TTL after they expired leaves none of them.
func TestHallCacheAgesOut(t *testing.T) {
	for _, tt := range []struct {
		name  string
		later func(hc *hallCache, at time.Time)
	}{
		{"a lookup", func(hc *hallCache, at time.Time) { hc.get("page|other", at) }},
		{"an insert", func(hc *hallCache, at time.Time) { hc.put("page|other", "text/html", []byte("新"), at) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			const ttl = 10 * time.Second
			hc := &hallCache{ttl: ttl}
			t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
			for i := range 50 {
				hc.put(fmt.Sprintf("page|%d", i), "text/html", []byte("旧列表"), t0)
			}
			if e, ok := hc.get("page|7", t0.Add(ttl)); !ok || string(e.body) != "旧列表" {
				t.Fatalf("a live entry is not served")
			}
			if _, ok := hc.get("page|7", t0.Add(ttl+time.Millisecond)); ok {
				t.Fatalf("an expired entry is served")
			}
			tt.later(hc, t0.Add(2*ttl+time.Millisecond))
			if n := hc.size(); n > 1 {
				t.Errorf("%d entries held one TTL after all of them expired, want at most the new one", n)
			}
		})
	}
}

// TestHallCacheFullOfLiveEntries checks the bound: a full cache of live entries takes no more,
// and takes new ones again once the old have expired.
func TestHallCacheFullOfLiveEntries(t *testing.T) {
	hc := &hallCache{ttl: time.Minute}
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for i := range maxHallCached + 10 {
		hc.put(fmt.Sprintf("page|%d", i), "text/html", []byte("列表"), t0)
	}
	if n := hc.size(); n != maxHallCached {
		t.Fatalf("%d entries, want the bound %d", n, maxHallCached)
	}
	if _, ok := hc.get("page|new", t0); ok {
		t.Fatal("an entry past the bound was kept")
	}
	hc.put("page|new", "text/html", []byte("新列表"), t0.Add(time.Minute+time.Second))
	if _, ok := hc.get("page|new", t0.Add(time.Minute+time.Second)); !ok || hc.size() != 1 {
		t.Errorf("after expiry: new entry kept %v, %d entries, want it alone", ok, hc.size())
	}
}

// TestPageCacheDropsAnOldLibrary checks that the first lookup after a reload drops the pages of
// the previous library, and that they are never served for the new one.
func TestPageCacheDropsAnOldLibrary(t *testing.T) {
	old, _ := content.Load(content.Embedded())
	reloaded, _ := content.Load(content.Embedded())
	var pc pageCache
	for i := range 20 {
		pc.put(old, fmt.Sprintf("doc-%d|", i), newRendered("text/html", []byte("旧版"), false))
	}
	if _, ok := pc.get(old, "doc-3|"); !ok {
		t.Fatal("a cached page is not served")
	}
	if _, ok := pc.get(reloaded, "doc-3|"); ok {
		t.Fatal("a page of the previous library is served after a reload")
	}
	if n := pc.size(); n != 0 {
		t.Errorf("%d pages of the previous library held after a lookup with the new one", n)
	}
}
