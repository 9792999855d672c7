package search

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
)

// A snapshot is one segment written to a file under the engine's directory, named by its type
// and a hash of its records (every field) and of the format: a server that starts with the same
// records reads its index back instead of building it again. Only what the records do not give
// is written: their folded text and the posting lists. A snapshot that cannot be read is left
// out and the segment built; an old one is removed when a new one is written.

// snapshotFormat changes with every change to what a segment holds or how it is folded.
const snapshotFormat = "zhenxing-search-segment-1"

// recordsHash identifies recs and the snapshot format.
func recordsHash(recs []Record) string {
	h := sha256.New()
	str := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	list := func(ss []string) {
		str(strconv.Itoa(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	str(snapshotFormat)
	str(foldingVersions())
	for i := range recs {
		r := &recs[i]
		str(string(r.Type))
		str(r.ID)
		str(r.Title)
		str(r.URL)
		str(r.Text)
		list(r.Tags)
		list(r.Codes)
		list(r.Names)
		keys := make([]string, 0, len(r.Facets))
		for k := range r.Facets {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			str(k)
			str(r.Facets[k])
		}
		str(strconv.FormatInt(r.Date.UnixNano(), 10))
		str(strconv.FormatBool(r.Demoted))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// foldingVersions names the versions of the libraries folding depends on (OpenCC's tables, the
// pinyin tables): a snapshot folded with others is not read.
func foldingVersions() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, m := range info.Deps {
		if strings.Contains(m.Path, "opencc") || strings.Contains(m.Path, "go-pinyin") || m.Path == "golang.org/x/text" {
			b.WriteString(m.Path + "@" + m.Version + ";")
		}
	}
	return b.String()
}

func snapshotPath(dir string, t Type, sum string) string {
	return filepath.Join(dir, string(t)+"-"+sum+".idx")
}

// writeSnapshot writes s to its file, through a temporary file renamed into place, and removes
// the type's other snapshots.
func writeSnapshot(dir string, t Type, sum string, s *segment) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := snapshotPath(dir, t, sum)
	tmp, err := os.CreateTemp(dir, string(t)+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := s.encode(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, string(t)+"-*.idx"))
	for _, f := range old {
		if f != path {
			os.Remove(f)
		}
	}
	return nil
}

// readSnapshot reads the segment of recs from its file. A missing file is os.ErrNotExist.
func readSnapshot(dir string, t Type, sum string, recs []Record) (*segment, error) {
	data, err := os.ReadFile(snapshotPath(dir, t, sum))
	if err != nil {
		return nil, err
	}
	s, err := decodeSegment(data, recs)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", snapshotPath(dir, t, sum), err)
	}
	return s, nil
}

type encoder struct {
	w   *bufio.Writer
	buf [8]byte
	err error
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	if _, err := e.w.Write(e.buf[:]); err != nil && e.err == nil {
		e.err = err
	}
}

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	if _, err := e.w.WriteString(s); err != nil && e.err == nil {
		e.err = err
	}
}

func (e *encoder) strs(ss []string) {
	e.u64(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (s *segment) encode(w *bufio.Writer) error {
	e := &encoder{w: w}
	e.str(snapshotFormat)
	e.u64(uint64(len(s.folded)))
	for i := range s.folded {
		f := &s.folded[i]
		e.str(f.title)
		e.str(f.tags)
		e.str(f.codes)
		e.str(f.body)
		e.u64(uint64(f.bodyLen))
		e.strs(f.codeSet)
		e.strs(f.pinyin)
	}
	e.u64(uint64(len(s.grams)))
	for _, shard := range s.grams {
		n := 0
		for _, list := range shard {
			n += len(list)
		}
		e.u64(uint64(len(shard)))
		e.u64(uint64(n))
		for g, list := range shard {
			e.u64(g)
			e.u64(uint64(len(list)))
			for _, p := range list {
				e.u64(uint64(p))
			}
		}
	}
	return e.err
}

type decoder struct {
	data []byte
	err  error
}

var errShort = errors.New("the file ends early")

func (d *decoder) u64() uint64 {
	if len(d.data) < 8 {
		d.err, d.data = errShort, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(d.data)
	d.data = d.data[8:]
	return v
}

// count reads a length and checks that at least n*each bytes follow.
func (d *decoder) count(each int) int {
	n := d.u64()
	if d.err == nil && n > uint64(len(d.data)/max(each, 1)) {
		d.err, d.data = errShort, nil
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count(1)
	s := string(d.data[:n])
	d.data = d.data[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.count(8)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func decodeSegment(data []byte, recs []Record) (*segment, error) {
	d := &decoder{data: data}
	if format := d.str(); d.err == nil && format != snapshotFormat {
		return nil, fmt.Errorf("format %q, not %q", format, snapshotFormat)
	}
	n := d.count(8)
	if d.err == nil && n != len(recs) {
		return nil, fmt.Errorf("%d records, not %d", n, len(recs))
	}
	s := &segment{recs: recs, folded: make([]foldedRecord, n)}
	for i := range s.folded {
		f := &s.folded[i]
		f.title, f.tags, f.codes, f.body = d.str(), d.str(), d.str(), d.str()
		f.bodyLen = int(min(d.u64(), math.MaxInt32))
		f.codeSet = d.strs()
		f.pinyin = d.strs()
	}
	shards := d.count(8)
	if d.err == nil && shards == 0 {
		return nil, errors.New("no shards")
	}
	s.grams = make([]map[uint64][]posting, shards)
	for w := range s.grams {
		keys := d.count(16)
		arena := make([]posting, 0, d.count(8))
		shard := make(map[uint64][]posting, keys)
		for range keys {
			g := d.u64()
			m := d.count(8)
			if d.err != nil {
				break
			}
			if m == 0 || shardOf(g, shards) != w || len(arena)+m > cap(arena) {
				return nil, errors.New("a posting list out of place")
			}
			start := len(arena)
			for range m {
				arena = append(arena, posting(d.u64()))
			}
			shard[g] = arena[start:len(arena):len(arena)]
		}
		s.grams[w] = shard
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.data) != 0 {
		return nil, errors.New("bytes left after the last posting list")
	}
	s.finish()
	return s, nil
}
