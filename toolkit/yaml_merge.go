package toolkit

import (
	"gopkg.in/yaml.v3"
)

// Decoding follows aliases, so a small file can name a huge tree: ten
// anchors of ten aliases each make ten billion values (the "billion
// laughs"). yaml.v3 does not expand aliases when it builds nodes; the
// decoder does, and pays for every value it visits from a budget.
const (
	// yamlBudgetFloor is the budget of every file however small: far more
	// than a campaign needs (the demo's 31 kB use about 3,000).
	yamlBudgetFloor = 100_000
	// pathUnit: a value's field path is kept (Positions), so a value costs
	// one unit more per pathUnit bytes of path; a slice one more per
	// pathUnit bytes of each item.
	pathUnit = 64
)

// yamlBudget is the work DecodeYAML may do for a file of size bytes: the
// floor plus one unit per byte. A file without aliases has fewer values
// than bytes, so only aliases (or merge keys) can run out of it. One unit
// is a value decoded, about 64 to 200 bytes of memory kept, so a 100 kB
// file is held to a few tens of megabytes, and the largest file allowed
// (MaxYAMLBytes) to a couple of hundred.
func yamlBudget(size int) int { return yamlBudgetFloor + size }

// charge pays cost units for decoding at n, and reports whether there was
// enough. When there was not, it reports the problem once at n's line and
// stops the decoding.
func (d *decoder) charge(n *yaml.Node, cost int) bool {
	if d.over {
		return false
	}
	d.budget -= cost
	if d.budget >= 0 {
		return true
	}
	d.over = true
	if d.aliased {
		d.ps.Add(n.Line, "", "aliases expand too much: decoding would go past %d values for a file of %d bytes; use each anchor (&name) fewer times, or write the values out", d.limit, d.size)
	} else {
		d.ps.Add(n.Line, "", "the file holds too much: decoding would go past %d values for a file of %d bytes", d.limit, d.size)
	}
	return false
}

// deref follows an alias to what its anchor holds.
func (d *decoder) deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		d.aliased = true
		n = n.Alias
	}
	return n
}

// pair is one key and value of a mapping.
type pair struct{ k, v *yaml.Node }

// isMerge reports whether k is the merge key: << written plain (a quoted
// "<<" is an ordinary key).
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// pairs lists the keys and values of mapping n with its merge keys
// resolved, as YAML's merge key type says: the keys written in n come
// first and override merged ones; then, for `<<: *a` the keys of a, and
// for `<<: [*a, *b]` those of a and then those of b that a lacks (an
// earlier mapping in the list wins). Merged mappings may merge others.
// Keys written twice in n are all kept, for the caller to report.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var own, merges []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.deref(n.Content[i]), n.Content[i+1]
		if isMerge(k) {
			merges = append(merges, pair{k, v})
			continue
		}
		own = append(own, pair{k, v})
	}
	if len(merges) == 0 {
		return own
	}
	if d.merging == nil {
		d.merging = map[*yaml.Node]bool{}
	}
	d.merging[n] = true
	defer delete(d.merging, n)
	have := make(map[string]bool, len(own))
	for _, p := range own {
		have[p.k.Value] = true
	}
	out := own
	add := func(m *yaml.Node) {
		if d.merging[m] {
			d.ps.Add(m.Line, join(path, "<<"), "the mapping merges itself")
			return
		}
		for _, p := range d.pairs(m, path) {
			if !d.charge(p.k, 1) {
				return
			}
			if !have[p.k.Value] {
				have[p.k.Value] = true
				out = append(out, p)
			}
		}
	}
	for _, mp := range merges {
		v := d.deref(mp.v)
		switch v.Kind {
		case yaml.MappingNode:
			add(v)
		case yaml.SequenceNode:
			for _, item := range v.Content {
				if m := d.deref(item); m.Kind == yaml.MappingNode {
					add(m)
				} else {
					d.ps.Add(item.Line, join(path, "<<"), "want a mapping to merge, got %s", DescribeNode(m))
				}
			}
		default:
			d.ps.Add(mp.k.Line, join(path, "<<"), "want a mapping (<<: *name) or a list of them (<<: [*a, *b]) to merge, got %s", DescribeNode(v))
		}
	}
	return out
}
