package translate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"gopkg.in/yaml.v3"
)

// source is the campaign file as text and as yaml.v3 nodes. Edits are
// made to the text at the places the nodes were read from, so everything
// not edited (comments, quoting, flow or block style, blank lines) stays
// byte for byte as it was.
type source struct {
	data  []byte
	lines []int // byte offset of each line's start
	root  *yaml.Node
	edits []edit
}

// edit replaces data[at:end] with text (an insertion when at == end).
type edit struct {
	at, end int
	text    string
	list    *yaml.Node // the list an item was appended to, if any
}

func newSource(data []byte) (*source, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the campaign file is not a mapping of fields")
	}
	s := &source{data: data, root: doc.Content[0], lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s, nil
}

// offset is the byte offset of a node's first character; yaml.v3 counts
// columns in characters, not bytes.
func (s *source) offset(n *yaml.Node) int {
	if n.Line < 1 || n.Line > len(s.lines) {
		return len(s.data)
	}
	at := s.lines[n.Line-1]
	for c := 1; c < n.Column && at < len(s.data); c++ {
		_, size := utf8.DecodeRune(s.data[at:])
		at += size
	}
	return at
}

// child returns the value under key in mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// end is the byte offset just past node n's text.
func (s *source) end(n *yaml.Node) (int, error) {
	at := s.offset(n)
	switch n.Kind {
	case yaml.AliasNode:
		return at + 1 + len(n.Value), nil
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return s.closing(at)
		}
		if len(n.Content) == 0 {
			return at, fmt.Errorf("line %d: an empty block collection", n.Line)
		}
		return s.end(n.Content[len(n.Content)-1])
	}
	if n.Anchor != "" || n.Tag != "" && n.Tag != "!!str" && n.Style&yaml.TaggedStyle != 0 {
		return at, fmt.Errorf("line %d: a value with an anchor or tag", n.Line)
	}
	d := s.data
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := at + 1; i < len(d); i++ {
			switch d[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := at + 1; i < len(d); i++ {
			if d[i] == '\'' {
				if i+1 < len(d) && d[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// a block scalar runs to the last line more indented than its
		// key: find the first non-blank line that is not
		indent := s.indentOf(n.Line - 1)
		last := s.lineEnd(at)
		for l := n.Line; l < len(s.lines); l++ {
			line := s.lineText(l)
			if strings.TrimSpace(line) == "" {
				continue
			}
			if s.indentOf(l) <= indent {
				break
			}
			last = s.lineEnd(s.lines[l])
		}
		return last, nil
	default: // plain: to the end of the line, a comment, or in a flow collection a , ] or }
		i := at
		for ; i < len(d) && d[i] != '\n'; i++ {
			if d[i] == '#' && i > at && (d[i-1] == ' ' || d[i-1] == '\t') {
				break
			}
			if (d[i] == ',' || d[i] == ']' || d[i] == '}') && s.inFlow(at) {
				break
			}
		}
		return at + len(strings.TrimRight(string(d[at:i]), " \t\r")), nil
	}
	return at, fmt.Errorf("line %d: an unterminated quoted value", n.Line)
}

// closing finds the end of the flow collection opening at at.
func (s *source) closing(at int) (int, error) {
	d := s.data
	depth := 0
	for i := at; i < len(d); i++ {
		switch d[i] {
		case '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(d); i++ {
				if d[i] == '\'' {
					if i+1 < len(d) && d[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (d[i-1] == ' ' || d[i-1] == '\t') {
				for i < len(d) && d[i] != '\n' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return at, fmt.Errorf("an unclosed [ or {")
}

// inFlow reports whether at lies inside a flow collection, by counting the
// brackets opened and not closed earlier on its line. Flow collections of
// campaign texts are written on one line; a plain value inside one that
// spans lines is caught by the check after editing.
func (s *source) inFlow(at int) bool {
	start := bytes.LastIndexByte(s.data[:at], '\n') + 1
	depth, quote := 0, byte(0)
	for _, b := range s.data[start:at] {
		switch {
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case b == '"' || b == '\'':
			quote = b
		case b == '[' || b == '{':
			depth++
		case b == ']' || b == '}':
			depth--
		}
	}
	return depth > 0
}

func (s *source) lineText(l int) string {
	start := s.lines[l]
	end := len(s.data)
	if l+1 < len(s.lines) {
		end = s.lines[l+1]
	}
	return strings.TrimRight(string(s.data[start:end]), "\r\n")
}

func (s *source) indentOf(l int) int {
	line := s.lineText(l)
	return len(line) - len(strings.TrimLeft(line, " "))
}

// lineEnd is the offset of the end of the line at holds (before its \n).
func (s *source) lineEnd(at int) int {
	if i := bytes.IndexByte(s.data[at:], '\n'); i >= 0 {
		return at + i
	}
	return len(s.data)
}

// set replaces scalar n's text with value, double-quoted, unless it
// already holds value: a translation that did not change changes no byte.
func (s *source) set(n *yaml.Node, value string) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a text, found %s", n.Line, toolkit.DescribeNode(n))
	}
	if n.Value == value && n.Tag != "!!null" {
		return nil
	}
	at := s.offset(n)
	end, err := s.end(n)
	if err != nil {
		return err
	}
	if n.Tag == "!!null" && end == at {
		// "fr:" with nothing after it
		s.edits = append(s.edits, edit{at: at, end: at, text: " " + toolkit.QuoteYAML(value)})
		return nil
	}
	s.edits = append(s.edits, edit{at: at, end: end, text: toolkit.QuoteYAML(value)})
	return nil
}

// add adds key: value (value already written as YAML, in flow style) to
// mapping m, after its last entry.
func (s *source) add(m *yaml.Node, key, value string) error {
	if len(m.Content) == 0 {
		return fmt.Errorf("line %d: an empty mapping", m.Line)
	}
	end, err := s.end(m.Content[len(m.Content)-1])
	if err != nil {
		return err
	}
	if m.Style&yaml.FlowStyle != 0 {
		s.edits = append(s.edits, edit{at: end, end: end, text: ", " + key + ": " + value})
		return nil
	}
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	at := s.lineEnd(end)
	sep := ": "
	if strings.HasPrefix(value, "\n") {
		sep = ":" // a block value starts on the next line
	}
	s.edits = append(s.edits, edit{at: at, end: at, text: "\n" + indent + key + sep + value})
	return nil
}

// addList adds key with the list items to mapping m: in a block mapping
// as a block list, one item a line, in a flow mapping as a flow list.
func (s *source) addList(m *yaml.Node, key string, items []string) error {
	if m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		return s.add(m, key, flowList(items))
	}
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	var b strings.Builder
	for _, it := range items {
		b.WriteString("\n" + indent + "  - " + toolkit.QuoteYAML(it))
	}
	return s.add(m, key, b.String())
}

// appendItem adds value (written as YAML) to the end of sequence q.
func (s *source) appendItem(q *yaml.Node, value string) error {
	if len(q.Content) == 0 {
		return fmt.Errorf("line %d: an empty list", q.Line)
	}
	last := q.Content[len(q.Content)-1]
	end, err := s.end(last)
	if err != nil {
		return err
	}
	if q.Style&yaml.FlowStyle != 0 {
		s.edits = append(s.edits, edit{at: end, end: end, text: ", " + value})
		return nil
	}
	// the dash of the first item sets the indentation
	first := s.offset(q.Content[0])
	dash := bytes.LastIndexByte(s.data[:first], '-')
	lineStart := bytes.LastIndexByte(s.data[:dash+1], '\n') + 1
	indent := string(s.data[lineStart:dash])
	at := s.lineEnd(end)
	s.edits = append(s.edits, edit{at: at, end: at, text: "\n" + indent + "- " + value})
	return nil
}

// apply returns the text with every edit made.
func (s *source) apply() []byte {
	if len(s.edits) == 0 {
		return s.data
	}
	sort.SliceStable(s.edits, func(i, j int) bool { return s.edits[i].at < s.edits[j].at })
	var b bytes.Buffer
	prev := 0
	for _, e := range s.edits {
		b.Write(s.data[prev:e.at])
		b.WriteString(e.text)
		prev = e.end
	}
	b.Write(s.data[prev:])
	return b.Bytes()
}

// flowMap writes keys and values as a YAML flow mapping.
func flowMap(keys []string, values map[string]string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + toolkit.QuoteYAML(values[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// flowList writes values as a YAML flow sequence.
func flowList(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = toolkit.QuoteYAML(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
