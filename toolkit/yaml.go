package toolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Positions maps a field path ("cards[2].quote.fr") to the line it was
// written on, so that checks made after decoding can still say where.
type Positions map[string]int

// Line returns the line of path, or of its nearest parent that has one.
func (p Positions) Line(path string) int {
	for path != "" {
		if l, ok := p[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return p[""]
}

// OneForAll is a map type that may also be written as a single value,
// meaning that value for every key (a hashtag the same in every language).
type OneForAll interface{ SetAll(value string) }

// DecodeYAML decodes data into v strictly: unknown keys, wrong types and
// malformed YAML are all reported, each with file:line and field path, as one
// *InvalidError. Struct fields are matched by their `yaml` tag.
//
// Aliases (*name) are followed and merge keys (<<: *name, or a list of
// aliases) are merged as YAML specifies, within a budget that grows with
// the size of data (see yamlBudget): a file whose aliases fan out into more
// than that (the "billion laughs") is refused at the line where the budget
// ran out, before it costs more than a few tens of megabytes.
func DecodeYAML(file string, data []byte, v any) (Positions, error) {
	ps := &Problems{File: file}
	if len(data) > MaxYAMLBytes {
		ps.Add(0, "", "the file has %d bytes, more than the %d (%s) allowed", len(data), MaxYAMLBytes, mib(MaxYAMLBytes))
		return nil, ps.Err()
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 0
		msg := err.Error()
		// yaml.v3 says "yaml: line N: ..."; lift the line out.
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if n, after, ok := strings.Cut(rest, ": "); ok {
				if l, err := strconv.Atoi(n); err == nil {
					line, msg = l, after
				}
			}
		}
		ps.Add(line, "", "malformed YAML: %s", strings.TrimPrefix(msg, "yaml: "))
		return nil, ps.Err()
	}
	pos := Positions{}
	if len(root.Content) == 0 {
		ps.Add(1, "", "the file is empty")
		return pos, ps.Err()
	}
	d := decoder{ps: ps, pos: pos, size: len(data), budget: yamlBudget(len(data))}
	d.limit = d.budget
	d.decode(root.Content[0], reflect.ValueOf(v).Elem(), "")
	return pos, ps.Err()
}

type decoder struct {
	ps  *Problems
	pos Positions

	size    int  // of the file, for messages
	budget  int  // work units left; see charge
	limit   int  // the budget at the start
	aliased bool // an alias has been followed
	over    bool // the budget ran out: decode nothing more

	merging map[*yaml.Node]bool      // mappings whose merge keys are being resolved
	structs map[reflect.Type]*fields // field tables, built once per type
}

var durationType = reflect.TypeOf(time.Duration(0))

// DescribeNode says what a YAML node is, for a message that found it
// where something else was wanted: "a mapping", "a list", "an alias",
// "nothing", or a single value as written.
func DescribeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = d.deref(n)
	if !d.charge(n, 1+len(path)/pathUnit) {
		return
	}
	d.pos[path] = n.Line
	if u, ok := v.Addr().Interface().(interface{ UnmarshalYAMLNode(*yaml.Node) error }); ok {
		if err := u.UnmarshalYAMLNode(n); err != nil {
			d.ps.Add(n.Line, path, "%v", err)
		}
		return
	}
	if n.Tag == "!!null" && v.Kind() != reflect.String {
		return // leave the zero value; required fields are checked by the caller
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path)
		v.Set(nv)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.ps.Add(n.Line, path, "want a mapping of fields, got %s", DescribeNode(n))
			return
		}
		fs := d.fields(v.Type())
		seen := map[string]bool{}
		for _, p := range d.pairs(n, path) {
			k, val := p.k, p.v
			fp := join(path, k.Value)
			idx, ok := fs.index[k.Value]
			if !ok {
				d.ps.Add(k.Line, fp, "unknown key %q (known keys: %s)", k.Value, fs.names)
				continue
			}
			if seen[k.Value] {
				d.ps.Add(k.Line, fp, "key %q is given twice", k.Value)
				continue
			}
			seen[k.Value] = true
			d.decode(val, v.Field(idx), fp)
			d.pos[fp] = k.Line
		}
	case reflect.Map:
		if n.Kind == yaml.ScalarNode {
			if a, ok := v.Addr().Interface().(OneForAll); ok {
				a.SetAll(n.Value)
				return
			}
		}
		if n.Kind != yaml.MappingNode {
			d.ps.Add(n.Line, path, "want a mapping, got %s", DescribeNode(n))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for _, p := range d.pairs(n, path) {
			k, val := p.k, p.v
			fp := join(path, k.Value)
			if v.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				d.ps.Add(k.Line, fp, "key %q is given twice", k.Value)
				continue
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, fp)
			d.pos[fp] = k.Line
			v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.ps.Add(n.Line, path, "want a list, got %s", DescribeNode(n))
			return
		}
		// the slice is allocated before its items are decoded: pay for it first
		if !d.charge(n, len(n.Content)*int(1+v.Type().Elem().Size()/pathUnit)) {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Array:
		if n.Kind != yaml.SequenceNode || len(n.Content) != v.Len() {
			d.ps.Add(n.Line, path, "want a list of %d numbers, got %s", v.Len(), DescribeNode(n))
			return
		}
		for i, item := range n.Content {
			d.decode(item, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		d.scalar(n, v, path)
	}
}

// fields is the table of a struct type's yaml fields.
type fields struct {
	index map[string]int // yaml name -> field index
	names string         // the names, for messages
}

func (d *decoder) fields(t reflect.Type) *fields {
	if f, ok := d.structs[t]; ok {
		return f
	}
	f := &fields{index: map[string]int{}}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		f.index[tag] = i
		names = append(names, tag)
	}
	f.names = strings.Join(names, ", ")
	if d.structs == nil {
		d.structs = map[reflect.Type]*fields{}
	}
	d.structs[t] = f
	return f
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.ps.Add(n.Line, path, "want a single value, got %s", DescribeNode(n))
		return
	}
	s := n.Value
	switch {
	case v.Type() == durationType:
		dur, err := time.ParseDuration(s)
		if err != nil {
			d.ps.Add(n.Line, path, "want a duration such as 15m or 1h30m, got %q", s)
			return
		}
		v.SetInt(int64(dur))
	case v.Kind() == reflect.String:
		if n.Tag == "!!null" {
			return
		}
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			d.ps.Add(n.Line, path, "want true or false, got %q", s)
			return
		}
		v.SetBool(b)
	case v.CanInt():
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			d.ps.Add(n.Line, path, "want a whole number, got %q", s)
			return
		}
		if err != nil || v.OverflowInt(i) {
			lo, hi := intRange(v.Type().Bits())
			d.ps.Add(n.Line, path, "want a whole number from %d to %d, got %q", lo, hi, s)
			return
		}
		v.SetInt(i)
	case v.CanUint():
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			d.ps.Add(n.Line, path, "want a whole number from 0 up, got %q", s)
			return
		}
		if err != nil || v.OverflowUint(u) {
			d.ps.Add(n.Line, path, "want a whole number from 0 to %d, got %q", uint64(1)<<v.Type().Bits()-1, s)
			return
		}
		v.SetUint(u)
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			d.ps.Add(n.Line, path, "want a number, got %q", s)
			return
		}
		v.SetFloat(f)
	default:
		d.ps.Add(n.Line, path, "%v", errors.New("unsupported field type "+v.Type().String()))
	}
}

// intRange is the smallest and largest value of a signed integer of bits.
func intRange(bits int) (int64, int64) {
	hi := int64(1)<<(bits-1) - 1
	return -hi - 1, hi
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// QuoteYAML writes s as a YAML double-quoted scalar (JSON's string syntax
// is one), with every character but the ones JSON must escape as it is,
// for code that writes YAML by hand to keep the user's comments.
func QuoteYAML(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
