package translate

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/campaignkit/campaignkit/toolkit"
)

// Formats are the exchange formats, by the name --format takes.
var Formats = []string{"xliff", "po", "csv"}

// Ext is the file extension of each format.
var Ext = map[string]string{"xliff": ".xlf", "po": ".po", "csv": ".csv"}

// Write writes f to w in format (one of Formats).
func Write(w io.Writer, format string, f *File) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "xliff":
		err = writeXLIFF(bw, f)
	case "po":
		err = writePO(bw, f)
	case "csv":
		err = writeCSV(bw, f)
	default:
		return fmt.Errorf("unknown format %q: choose %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Read reads an exchange file, telling its format from its name's
// extension (.xlf, .xliff, .po, .csv) or, failing that, its first bytes.
// A file it cannot read is a *toolkit.InvalidError at the line of the
// first problem.
func Read(name string, data []byte) (*File, error) {
	format := ""
	switch strings.ToLower(path.Ext(name)) {
	case ".xlf", ".xliff", ".xml":
		format = "xliff"
	case ".po", ".pot":
		format = "po"
	case ".csv":
		format = "csv"
	default:
		trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
		switch {
		case bytes.HasPrefix(trimmed, []byte("<")):
			format = "xliff"
		case bytes.HasPrefix(trimmed, []byte("#")), bytes.HasPrefix(trimmed, []byte("msg")):
			format = "po"
		default:
			format = "csv"
		}
	}
	var f *File
	var err error
	switch format {
	case "xliff":
		f, err = readXLIFF(name, data)
	case "po":
		f, err = readPO(name, data)
	default:
		f, err = readCSV(name, data)
	}
	if err != nil {
		return nil, err
	}
	f.Name = name
	return f, nil
}

// limitNote says a unit's limit for a translator.
func limitNote(u Unit) string {
	if u.Limit == 0 {
		return ""
	}
	if u.Platform == "" {
		return fmt.Sprintf("at most %d characters", u.Limit)
	}
	return fmt.Sprintf("caption limit %d characters on %s, hashtags, handle and link included", u.Limit, u.Platform)
}

// XLIFF 2.0 (OASIS): one <unit> per text, its notes holding the context
// and limit, its <segment state> the state.

const xliffNS = "urn:oasis:names:tc:xliff:document:2.0"

type xliffDoc struct {
	XMLName xml.Name    `xml:"xliff"`
	NS      string      `xml:"xmlns,attr"`
	Version string      `xml:"version,attr"`
	SrcLang string      `xml:"srcLang,attr"`
	TrgLang string      `xml:"trgLang,attr"`
	Files   []xliffFile `xml:"file"`
}

type xliffFile struct {
	ID       string      `xml:"id,attr"`
	Original string      `xml:"original,attr,omitempty"`
	Units    []xliffUnit `xml:"unit"`
}

type xliffUnit struct {
	ID      string       `xml:"id,attr"`
	Notes   []xliffNote  `xml:"notes>note"`
	Segment xliffSegment `xml:"segment"`
}

type xliffNote struct {
	Category string `xml:"category,attr,omitempty"`
	Text     string `xml:",chardata"`
}

type xliffSegment struct {
	State  string  `xml:"state,attr,omitempty"`
	Source string  `xml:"source"`
	Target *string `xml:"target"`
}

func writeXLIFF(w io.Writer, f *File) error {
	doc := xliffDoc{NS: xliffNS, Version: "2.0", SrcLang: f.SourceLang, TrgLang: f.TargetLang,
		Files: []xliffFile{{ID: "campaign", Original: path.Base(f.Original)}}}
	for _, u := range f.Units {
		xu := xliffUnit{ID: u.ID, Notes: []xliffNote{{Category: "context", Text: u.Context}}}
		if note := limitNote(u); note != "" {
			xu.Notes = append(xu.Notes, xliffNote{Category: "limit", Text: note})
		}
		target := u.Target
		xu.Segment = xliffSegment{State: u.State, Source: u.Source, Target: &target}
		doc.Files[0].Units = append(doc.Files[0].Units, xu)
	}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// readXLIFF reads the units of an XLIFF 2.0 file token by token, so that
// each target's line is known.
func readXLIFF(name string, data []byte) (*File, error) {
	ps := &toolkit.Problems{File: name}
	f := &File{}
	d := xml.NewDecoder(bytes.NewReader(data))
	var u *Unit
	var field *string // where character data goes
	var buf strings.Builder
	line := func() int { l, _ := d.InputPos(); return l }
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				ps.Add(se.Line, "", "malformed XLIFF: %s", se.Msg)
			} else {
				ps.Add(line(), "", "malformed XLIFF: %v", err)
			}
			return nil, ps.Err()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attr := func(n string) string {
				for _, a := range t.Attr {
					if a.Name.Local == n {
						return a.Value
					}
				}
				return ""
			}
			switch t.Name.Local {
			case "xliff":
				if v := attr("version"); !strings.HasPrefix(v, "2.") {
					ps.Add(line(), "", "want XLIFF 2.0 (version=\"2.0\"), got version %q", v)
				}
				f.SourceLang, f.TargetLang = attr("srcLang"), attr("trgLang")
			case "file":
				f.Original = attr("original")
			case "unit":
				f.Units = append(f.Units, Unit{ID: attr("id"), Line: line()})
				u = &f.Units[len(f.Units)-1]
			case "segment":
				if u != nil {
					u.State = attr("state")
				}
			case "source", "target":
				if u == nil {
					ps.Add(line(), "", "<%s> outside a <unit>", t.Name.Local)
					continue
				}
				buf.Reset()
				if t.Name.Local == "source" {
					field = &u.Source
				} else {
					field = &u.Target
					u.Line = line()
				}
			default:
				if field != nil {
					ps.Add(line(), u.ID, "<%s> inside <source> or <target>: campaign texts are plain text, write it as text", t.Name.Local)
				}
			}
		case xml.CharData:
			if field != nil {
				buf.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "source", "target":
				if field != nil {
					*field = buf.String()
					field = nil
				}
			case "unit":
				u = nil
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// PO (GNU gettext): msgctxt is the unit's id, msgid the source text,
// msgstr the translation; the context and limit are extracted comments
// (#.), and a reviewed state a flag. An empty msgstr is not translated yet.

var bom = []byte("\ufeff")

func writePO(w io.Writer, f *File) error {
	fmt.Fprintf(w, "# Campaign texts from %s, %s to %s, for translation.\n", path.Base(f.Original), f.SourceLang, f.TargetLang)
	fmt.Fprintf(w, "# Translate each msgstr; leave msgctxt, msgid and {placeholders} as they are.\n")
	fmt.Fprintf(w, "msgid \"\"\nmsgstr \"\"\n")
	fmt.Fprintf(w, "%s\n", poString("Language: "+f.TargetLang+"\n"))
	fmt.Fprintf(w, "%s\n", poString("X-Source-Language: "+f.SourceLang+"\n"))
	fmt.Fprintf(w, "%s\n", poString("Content-Type: text/plain; charset=UTF-8\n"))
	for _, u := range f.Units {
		fmt.Fprintf(w, "\n#. %s\n", strings.ReplaceAll(u.Context, "\n", " "))
		if note := limitNote(u); note != "" {
			fmt.Fprintf(w, "#. %s\n", note)
		}
		if u.State == Reviewed || u.State == Final {
			fmt.Fprintf(w, "#, %s\n", u.State)
		}
		fmt.Fprintf(w, "msgctxt %s\nmsgid %s\nmsgstr %s\n", poString(u.ID), poString(u.Source), poString(u.Target))
	}
	return nil
}

// poString writes s as a PO string.
func poString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

// poUnquote reads a PO string.
func poUnquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("want a string in double quotes, got %s", s)
	}
	var b strings.Builder
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '"' {
			return "", fmt.Errorf("a \" inside a string must be written \\\"")
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(body) {
			return "", fmt.Errorf("the string ends with a lone \\")
		}
		switch body[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '"':
			b.WriteByte(body[i])
		default:
			return "", fmt.Errorf("unknown escape \\%c", body[i])
		}
	}
	return b.String(), nil
}

func readPO(name string, data []byte) (*File, error) {
	ps := &toolkit.Problems{File: name}
	f := &File{}
	type entry struct {
		flags         string
		ctxt, id, str string
		hasStr        bool
		line, strLine int
	}
	var entries []*entry
	var cur *entry
	var field *string // the string a continuation line adds to
	var flags string
	start := func(n int) {
		if cur == nil || cur.hasStr {
			cur = &entry{line: n, flags: flags}
			entries = append(entries, cur)
			flags = ""
		}
	}
	for i, raw := range strings.Split(string(bytes.TrimPrefix(data, bom)), "\n") {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "#,"):
			flags = line
			continue
		case strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, `"`):
			if field == nil {
				ps.Add(n, "", "a string with no msgctxt, msgid or msgstr before it")
				continue
			}
			s, err := poUnquote(line)
			if err != nil {
				ps.Add(n, "", "%v", err)
			}
			*field += s
			continue
		}
		keyword, rest, _ := strings.Cut(line, " ")
		s, err := poUnquote(strings.TrimSpace(rest))
		if err != nil {
			ps.Add(n, "", "%s: %v", keyword, err)
		}
		switch keyword {
		case "msgctxt":
			start(n)
			cur.ctxt, field = s, &cur.ctxt
		case "msgid":
			start(n)
			cur.id, field = s, &cur.id
		case "msgstr":
			if cur == nil || cur.hasStr {
				ps.Add(n, "", "msgstr with no msgid before it")
				continue
			}
			cur.str, field, cur.hasStr, cur.strLine = s, &cur.str, true, n
		default:
			ps.Add(n, "", "unknown keyword %q (a PO file has msgctxt, msgid and msgstr)", keyword)
			field = nil
		}
	}
	for _, e := range entries {
		if e.ctxt == "" && e.id == "" {
			for _, l := range strings.Split(e.str, "\n") {
				k, v, _ := strings.Cut(l, ":")
				switch strings.TrimSpace(k) {
				case "Language":
					f.TargetLang = strings.TrimSpace(v)
				case "X-Source-Language":
					f.SourceLang = strings.TrimSpace(v)
				}
			}
			continue
		}
		if e.ctxt == "" {
			ps.Add(e.line, "", "a text with no msgctxt: campaignkit needs it to know where the text goes")
			continue
		}
		u := Unit{ID: e.ctxt, Source: e.id, Target: e.str, State: Translated, Line: e.strLine}
		switch {
		case strings.Contains(e.flags, "fuzzy"):
			u.Target, u.State = "", Initial // a guess to review, not a translation
		case e.str == "":
			u.State = Initial
		case strings.Contains(e.flags, Final):
			u.State = Final
		case strings.Contains(e.flags, Reviewed):
			u.State = Reviewed
		}
		f.Units = append(f.Units, u)
	}
	if f.TargetLang == "" {
		ps.Add(1, "", "the header names no Language: add \"Language: fr\\n\" to it")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// CSV, for spreadsheets: a header row, then one row per text. The source
// and target columns are named by their languages. UTF-8 with a byte
// order mark, so that spreadsheet programs read the accents right.

var csvHeader = []string{"id", "context", "limit", "state"}

func writeCSV(w io.Writer, f *File) error {
	w.Write(bom)
	cw := csv.NewWriter(w)
	cw.Write(append(slices.Clone(csvHeader), f.SourceLang, f.TargetLang))
	for _, u := range f.Units {
		limit := ""
		if u.Limit > 0 {
			limit = strconv.Itoa(u.Limit)
			if u.Platform != "" {
				limit += " (" + u.Platform + ")"
			}
		}
		cw.Write([]string{u.ID, u.Context, limit, u.State, u.Source, u.Target})
	}
	cw.Flush()
	return cw.Error()
}

func readCSV(name string, data []byte) (*File, error) {
	ps := &toolkit.Problems{File: name}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		ps.Add(1, "", "cannot read the header row: %v", err)
		return nil, ps.Err()
	}
	if len(head) != 6 || !slices.Equal(head[:4], csvHeader) {
		ps.Add(1, "", "want the header id,context,limit,state,<source language>,<target language>, got %s", strings.Join(head, ","))
		return nil, ps.Err()
	}
	f := &File{SourceLang: head[4], TargetLang: head[5]}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				ps.Add(pe.Line, "", "malformed CSV: %v", pe.Err)
			} else {
				ps.Add(0, "", "malformed CSV: %v", err)
			}
			return nil, ps.Err()
		}
		line, _ := r.FieldPos(0)
		if len(rec) != 6 {
			ps.Add(line, "", "want 6 columns, got %d", len(rec))
			continue
		}
		u := Unit{ID: rec[0], Context: rec[1], State: rec[3], Source: rec[4], Target: rec[5], Line: line}
		u.Line, _ = r.FieldPos(5)
		f.Units = append(f.Units, u)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return f, nil
}
