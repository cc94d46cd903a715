package translate

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/caption"
	"gopkg.in/yaml.v3"
)

// Result is what an import did.
type Result struct {
	Data     []byte            // the campaign file with the translations in
	Changed  int               // translations added or changed
	Same     int               // translations the file already had
	Skipped  int               // units with no translation yet
	Warnings []toolkit.Problem // things to look at that did not stop the import
	// Complete is set when lang is pending and now has every text, so it
	// can be taken off the pending list.
	Complete bool
}

// Import merges the translations of f into the campaign file data (whose
// campaign is c). Only the translated values change; a translation the
// file already has changes nothing, so importing an unedited export gives
// data back byte for byte. Every problem (a unit the campaign does not
// have, a {n} placeholder lost, a caption over a limit of the post's
// channels, a character refused in campaign texts) is returned at once at
// its line in f, as a *toolkit.InvalidError, and then nothing is merged.
func Import(c *campaign.Campaign, data []byte, f *File) (*Result, error) {
	ps := &toolkit.Problems{File: f.Name}
	if err := checkLang(c, f.TargetLang); err != nil {
		ps.Add(0, "", "target language: %v", err)
		return nil, ps.Err()
	}
	lang := f.TargetLang
	if f.SourceLang != "" && f.SourceLang != c.Listed[0] {
		ps.Add(0, "", "the file translates from %s, but the campaign's first language is %s", f.SourceLang, c.Listed[0])
		return nil, ps.Err()
	}
	src, err := newSource(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.File, err)
	}
	byID := map[string]text{}
	for _, t := range texts(c, src.root) {
		byID[t.id] = t
	}
	res := &Result{}
	warn := func(line int, field, format string, args ...any) {
		res.Warnings = append(res.Warnings, toolkit.Problem{File: f.Name, Line: line, Field: field, Msg: fmt.Sprintf(format, args...), Warning: true})
	}
	seen := map[string]int{}
	var todo []Unit
	for _, u := range f.Units {
		if u.Target == "" {
			res.Skipped++
			continue
		}
		t, ok := byID[u.ID]
		if !ok {
			ps.Add(u.Line, u.ID, "the campaign has no such text (was the card or post renamed or removed since the export?)")
			continue
		}
		if prev, dup := seen[u.ID]; dup {
			ps.Add(u.Line, u.ID, "translated twice: also at line %d", prev)
			continue
		}
		seen[u.ID] = u.Line
		for _, msg := range campaign.CharProblems(u.Target) {
			ps.Add(u.Line, u.ID, "%s", msg)
		}
		now, _ := t.value(c.Listed[0])
		if t.form != "" && now == "" {
			o := t
			o.form = "other"
			now, _ = o.value(c.Listed[0])
		}
		if now != u.Source {
			warn(u.Line, u.ID, "the %s text changed since the export; check that the translation still says the same", c.Listed[0])
		}
		checkPlaceholders(ps, t, u, lang)
		if t.limit > 0 && t.plat == "" {
			if n := utf8.RuneCountInString(u.Target); n > t.limit {
				ps.Add(u.Line, u.ID, "%d characters where %d are allowed; shorten it by %d or more", n, t.limit, n-t.limit)
			}
		}
		todo = append(todo, u)
	}
	if ps.Len() > 0 {
		return nil, ps.Err()
	}
	if err := merge(src, byID, todo, lang, res, ps); err != nil {
		return nil, err
	}
	if ps.Len() > 0 {
		return nil, ps.Err()
	}
	res.Data = src.apply()
	if res.Changed == 0 {
		res.Data = data
		return res, nil
	}
	// parsed by its base name, so that image paths resolve as they did;
	// images are not read again (nil folder): translations change no image
	nc, err := campaign.Parse(nil, filepath.Base(c.File), res.Data)
	if err != nil {
		var ie *toolkit.InvalidError
		if errors.As(err, &ie) {
			for i := range ie.Problems {
				ie.Problems[i].File = c.File
			}
		}
		return nil, fmt.Errorf("the campaign with the translations in would not load; nothing was written: %w", err)
	}
	nc.File = c.File
	checkCaptions(ps, nc, todo, lang)
	if err := verify(nc, res.Data, todo, lang); err != nil {
		return nil, err
	}
	if ps.Len() > 0 {
		return nil, ps.Err()
	}
	if slices.Contains(nc.Pending, lang) {
		res.Complete = !slices.ContainsFunc(nc.Warnings, func(p toolkit.Problem) bool { return strings.HasSuffix(p.Field, "."+lang) })
	}
	return res, nil
}

// checkPlaceholders reports a translation that loses or adds a {name}
// placeholder: {n} in a countdown is where the number goes.
func checkPlaceholders(ps *toolkit.Problems, t text, u Unit, lang string) {
	want, got := placeholders(u.Source), placeholders(u.Target)
	if t.pholder {
		if !slices.Contains(got, "{n}") && !campaign.WordForm(lang, t.form) {
			ps.Add(u.Line, u.ID, "the translation has no {n} where the number of days goes")
		}
		return
	}
	for _, p := range want {
		if !slices.Contains(got, p) {
			ps.Add(u.Line, u.ID, "the translation lost the placeholder %s; keep it as it is", p)
		}
	}
	for _, p := range got {
		if !slices.Contains(want, p) {
			ps.Add(u.Line, u.ID, "the translation has %s, which the %s text does not: placeholders are not translated", p, "source")
		}
	}
}

// merge makes the edits for units in src.
func merge(src *source, byID map[string]text, units []Unit, lang string, res *Result, ps *toolkit.Problems) error {
	// new mappings of plural forms and new lists of key messages are
	// written whole, once their units are all known
	newForms := map[*yaml.Node]map[string]string{}
	var newFormNodes []*yaml.Node
	var newMessages []Unit
	var messages *yaml.Node
	for _, u := range units {
		t := byID[u.ID]
		if old, ok := t.value(lang); ok && old == u.Target {
			res.Same++
			continue
		}
		res.Changed++
		n := child(t.node, lang)
		var err error
		switch {
		case t.form != "" && n == nil:
			if newForms[t.node] == nil {
				newForms[t.node] = map[string]string{}
				newFormNodes = append(newFormNodes, t.node)
			}
			newForms[t.node][t.form] = u.Target
		case t.form != "":
			if fn := child(n, t.form); fn != nil {
				err = src.set(fn, u.Target)
			} else if n.Kind == yaml.MappingNode {
				err = src.add(n, t.form, toolkit.QuoteYAML(u.Target))
			} else {
				err = fmt.Errorf("line %d: want the plural forms of %s as a mapping", n.Line, lang)
			}
		case t.index >= 0 && n == nil:
			messages = t.node
			newMessages = append(newMessages, u)
		case t.index >= 0:
			err = setItem(src, n, t.index, u.Target)
		case n == nil:
			err = src.add(t.node, lang, toolkit.QuoteYAML(u.Target))
		default:
			err = src.set(n, u.Target)
		}
		if err != nil {
			ps.Add(u.Line, u.ID, "cannot write it into the campaign file: %v", err)
		}
	}
	for _, node := range newFormNodes {
		forms := newForms[node]
		var keys []string
		for _, f := range pluralForms {
			if _, ok := forms[f]; ok {
				keys = append(keys, f)
			}
		}
		if err := src.add(node, lang, flowMap(keys, forms)); err != nil {
			return fmt.Errorf("countdown phrase at line %d: %w", node.Line, err)
		}
	}
	if len(newMessages) > 0 {
		slices.SortFunc(newMessages, func(a, b Unit) int { return byID[a.ID].index - byID[b.ID].index })
		var list []string
		for i, u := range newMessages {
			if byID[u.ID].index != i {
				ps.Add(u.Line, u.ID, "key messages are added in order: translate messages.%d first", i)
				return nil
			}
			list = append(list, u.Target)
		}
		if err := src.addList(messages, lang, list); err != nil {
			return fmt.Errorf("messages at line %d: %w", messages.Line, err)
		}
	}
	return nil
}

// setItem sets item i of a list of key messages, appending it when it is
// the next one.
func setItem(src *source, list *yaml.Node, i int, value string) error {
	if list.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: want a list of messages", list.Line)
	}
	if i < len(list.Content) {
		return src.set(list.Content[i], value)
	}
	appended := 0
	for _, e := range src.edits {
		if e.list == list {
			appended++
		}
	}
	if i != len(list.Content)+appended {
		return fmt.Errorf("key messages are added in order: translate message %d first", len(list.Content)+appended)
	}
	if err := src.appendItem(list, toolkit.QuoteYAML(value)); err != nil {
		return err
	}
	src.edits[len(src.edits)-1].list = list
	return nil
}

// checkCaptions builds the caption of every imported post text on each
// channel it is published to, in the campaign with the translations in.
func checkCaptions(ps *toolkit.Problems, c *campaign.Campaign, units []Unit, lang string) {
	for _, u := range units {
		rest, ok := strings.CutPrefix(u.ID, "posts.")
		if !ok {
			continue
		}
		id, field, _ := strings.Cut(rest, ".")
		i := slices.IndexFunc(c.Posts, func(p campaign.Post) bool { return p.ID == id })
		if i < 0 {
			continue
		}
		p := c.Posts[i]
		channels := p.Channels
		if plat, ok := strings.CutPrefix(field, "overrides."); ok {
			channels = []string{plat}
		}
		for _, ch := range channels {
			if field == "text" && strings.TrimSpace(p.Overrides[ch][lang]) != "" {
				continue // the override is what goes there
			}
			if _, err := caption.Build(c, p, lang, ch); err != nil {
				var le *caption.LimitError
				if errors.As(err, &le) {
					ps.Add(u.Line, u.ID, "%v (hashtags, handle and link included)", le)
				} else {
					ps.Add(u.Line, u.ID, "%v", err)
				}
			}
		}
	}
}

// verify reads every imported translation back from the edited file: the
// edits are text patches, and this is their proof.
func verify(c *campaign.Campaign, data []byte, units []Unit, lang string) error {
	src, err := newSource(data)
	if err != nil {
		return err
	}
	byID := map[string]text{}
	for _, t := range texts(c, src.root) {
		byID[t.id] = t
	}
	for _, u := range units {
		if got, _ := byID[u.ID].value(lang); got != u.Target {
			return fmt.Errorf("%s: the edited campaign file reads %q where the translation is %q; nothing was written (please report this)", u.ID, got, u.Target)
		}
	}
	return nil
}
