package toolkit

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func problems(t *testing.T, err error) []Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("want an *InvalidError, got %T: %v", err, err)
	}
	return ie.Problems
}

// laughs is a document whose last key names width^depth strings through
// depth levels of anchors, each a list of width aliases of the one before.
func laughs(depth, width int) string {
	var b strings.Builder
	b.WriteString("defs:\n  - &l0 [")
	for i := 0; i < width; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("lol")
	}
	b.WriteString("]\n")
	for d := 1; d < depth; d++ {
		fmt.Fprintf(&b, "  - &l%d [", d)
		for i := 0; i < width; i++ {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*l%d", d-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "laughs: *l%d\n", depth-1)
	return b.String()
}

type laughs9 struct {
	Laughs [][][][][][][][][]string `yaml:"laughs"`
}

type laughs3 struct {
	Laughs [][][]string `yaml:"laughs"`
}

// TestDecodeYAMLRefusesBillionLaughs decodes documents whose aliases fan
// out to 10^9 strings, and (from 100 kB and 1 MiB) to 5*10^11 and 5*10^14: each is refused
// with "aliases expand too much" at a line, allocating a bounded amount.
func TestDecodeYAMLRefusesBillionLaughs(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		v    any
	}{
		{"classic", laughs(10, 10), &laughs9{}},
		{"100kB", laughs(3, 8_000), &laughs3{}},
		{"1MiB", laughs(3, 80_000), &laughs3{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := DecodeYAML("laughs.yaml", []byte(tc.doc), tc.v)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte file refused in %v, %.1f MB allocated", len(tc.doc), took, float64(alloc)/1e6)
			var found bool
			for _, p := range problems(t, err) {
				if strings.Contains(p.Msg, "aliases expand too much") {
					found = p.Line > 0
				}
			}
			if !found {
				t.Fatalf("got %v, want a problem saying aliases expand too much, at a line", err)
			}
			if limit := uint64(100<<20 + 200*len(tc.doc)); alloc > limit {
				t.Errorf("allocated %d bytes, want at most %d", alloc, limit)
			}
		})
	}
}

type mergeItem struct {
	Name  string `yaml:"name"`
	Size  int    `yaml:"size"`
	Color string `yaml:"color"`
}

type mergeDoc struct {
	Defs  []map[string]string  `yaml:"defs"`
	Items []mergeItem          `yaml:"items"`
	Maps  []map[string]string  `yaml:"maps"`
	Texts map[string]mergeItem `yaml:"texts"`
}

func TestDecodeYAMLMergeKeys(t *testing.T) {
	doc := `defs:
  - &base {name: base, size: "1", color: red}
  - &big {size: "9", color: blue}
  - &nested {<<: *big, name: nested}
items:
  - <<: *base
    size: 2
  - {<<: [*big, *base]}
  - {<<: [*base, *big]}
  - {<<: *nested}
maps:
  - {<<: *base, extra: x}
  - {<<: [*big, *base]}
texts:
  one: {<<: *base, name: one}
`
	var got mergeDoc
	pos, err := DecodeYAML("m.yaml", []byte(doc), &got)
	if err != nil {
		t.Fatal(err)
	}
	wantItems := []mergeItem{
		{"base", 2, "red"},    // the key written overrides the merged one
		{"base", 9, "blue"},   // in a list, the earlier mapping wins
		{"base", 1, "red"},    // ... whichever it is
		{"nested", 9, "blue"}, // merged mappings merge too
	}
	if !reflect.DeepEqual(got.Items, wantItems) {
		t.Errorf("items: got %+v, want %+v", got.Items, wantItems)
	}
	wantMaps := []map[string]string{
		{"name": "base", "size": "1", "color": "red", "extra": "x"},
		{"name": "base", "size": "9", "color": "blue"},
	}
	if !reflect.DeepEqual(got.Maps, wantMaps) {
		t.Errorf("maps: got %v, want %v", got.Maps, wantMaps)
	}
	if want := (mergeItem{"one", 1, "red"}); got.Texts["one"] != want {
		t.Errorf("texts.one: got %+v, want %+v", got.Texts["one"], want)
	}
	if got, want := pos.Line("items[0].size"), 7; got != want {
		t.Errorf("line of items[0].size: got %d, want %d", got, want)
	}
	if got, want := pos.Line("items[0].color"), 2; got != want {
		t.Errorf("line of a merged key: got %d, want %d (where it is written)", got, want)
	}
}

func TestDecodeYAMLProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string // "line field: message part"
	}{
		{"unknown key", "items:\n  - name: a\n    sise: 2\n", []string{"3 items[0].sise: unknown key \"sise\" (known keys: name, size, color)"}},
		{"duplicate key", "items:\n  - name: a\n    name: b\n", []string{"3 items[0].name: key \"name\" is given twice"}},
		{"duplicate map key", "maps:\n  - {a: x, a: y}\n", []string{"2 maps[0].a: key \"a\" is given twice"}},
		{"unknown merged key", "defs:\n  - &d {name: a, sise: 2}\nitems:\n  - {<<: *d}\n", []string{"2 items[0].sise: unknown key \"sise\""}},
		{"quoted << is a key", "items:\n  - {\"<<\": x}\n", []string{"2 items[0].<<: unknown key \"<<\""}},
		{"merge of a scalar", "items:\n  - {<<: x}\n", []string{"2 items[0].<<: want a mapping (<<: *name) or a list of them"}},
		{"merge of a list of scalars", "items:\n  - <<: [x]\n", []string{"2 items[0].<<: want a mapping to merge, got \"x\""}},
		{"wrong type", "items:\n  - size: big\n", []string{"2 items[0].size: want a whole number, got \"big\""}},
		{"too big", "items: []\n" + strings.Repeat("#", MaxYAMLBytes), []string{"0 : the file has 1048586 bytes, more than the 1048576 (1 MiB) allowed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v mergeDoc
			_, err := DecodeYAML("m.yaml", []byte(tc.doc), &v)
			ps := problems(t, err)
			var got []string
			for _, p := range ps {
				got = append(got, fmt.Sprintf("%d %s: %s", p.Line, p.Field, p.Msg))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("got %q, want it to start %q", got[i], tc.want[i])
				}
			}
		})
	}
}

// TestDecodeYAMLMergeCycle: a mapping that merges itself is reported, and
// decoding ends.
func TestDecodeYAMLMergeCycle(t *testing.T) {
	var v mergeDoc
	_, err := DecodeYAML("m.yaml", []byte("items:\n  - &a {name: a, <<: *a}\n"), &v)
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].Line != 2 || ps[0].Msg != "the mapping merges itself" {
		t.Errorf("got %v, want one problem at line 2: the mapping merges itself", err)
	}
}

// TestDecodeYAMLSizedNumbers: a number that does not fit its field is
// refused with the field's range, never wrapped (300 is not 44 in an int8),
// and unsigned fields are decoded.
func TestDecodeYAMLSizedNumbers(t *testing.T) {
	type doc struct {
		Small int8   `yaml:"small"`
		Count uint16 `yaml:"count"`
		Big   int    `yaml:"big"`
	}
	for _, tc := range []struct {
		src  string
		want string // "" when it decodes
		got  doc
	}{
		{"small: -128\ncount: 65535\nbig: 9000000000\n", "", doc{-128, 65535, 9000000000}},
		{"small: 300\n", "1 small: want a whole number from -128 to 127, got \"300\"", doc{}},
		{"count: -1\n", "1 count: want a whole number from 0 up, got \"-1\"", doc{}},
		{"count: 70000\n", "1 count: want a whole number from 0 to 65535, got \"70000\"", doc{}},
		{"big: 99999999999999999999\n", "1 big: want a whole number from -9223372036854775808 to 9223372036854775807", doc{}},
	} {
		var v doc
		_, err := DecodeYAML("n.yaml", []byte(tc.src), &v)
		if tc.want == "" {
			if err != nil || v != tc.got {
				t.Errorf("%q: got %+v, %v; want %+v", tc.src, v, err, tc.got)
			}
			continue
		}
		ps := problems(t, err)
		if len(ps) != 1 || !strings.HasPrefix(fmt.Sprintf("%d %s: %s", ps[0].Line, ps[0].Field, ps[0].Msg), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, ps, tc.want)
		}
	}
}
