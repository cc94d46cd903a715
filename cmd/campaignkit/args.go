package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// prepareArgs reads the command names in args (the program name first) and
// returns the arguments urfave/cli is to parse. It refuses an unknown
// command or subcommand, naming the nearest one, and a positional argument
// given to a command that takes none.
//
// It also moves the flags written after positional arguments in front of
// them: urfave/cli, like package flag, stops at the first positional
// argument, so `queue show ID --json` would otherwise take "--json" as a
// second argument and drop it. A flag that takes a value moves with the
// argument after it, whatever that looks like, and everything after "--"
// stays positional.
func prepareArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	out := []string{args[0]}
	rest := args[1:]
	for len(rest) > 0 && isFlag(rest[0]) { // the app's own flags: --help, --version
		out, rest = append(out, rest[0]), rest[1:]
	}
	if len(rest) == 0 || rest[0] == "--" {
		return args, nil
	}
	if rest[0] == "help" { // campaignkit help schedule export: the command's --help
		return prepareArgs(app, append(append(out, rest[1:]...), "--help"))
	}
	cmds, path := app.Commands, []string{}
	for {
		name := rest[0]
		cmd := findCommand(cmds, name)
		if cmd == nil {
			return nil, unknownCommand(path, name, cmds)
		}
		out, rest, path = append(out, name), rest[1:], append(path, cmd.Name)
		subs := subcommands(cmd)
		if len(subs) == 0 {
			return reorder(cmd, strings.Join(path, " "), out, rest)
		}
		for len(rest) > 0 && isFlag(rest[0]) {
			out, rest = append(out, rest[0]), rest[1:]
		}
		if len(rest) == 0 || rest[0] == "--" || rest[0] == "help" || rest[0] == "h" {
			return append(out, rest...), nil // urfave/cli shows the command's help
		}
		cmds = subs
	}
}

// subcommands lists cmd's subcommands other than the help command that
// urfave/cli adds to a command once it has run.
func subcommands(cmd *cli.Command) []*cli.Command {
	var out []*cli.Command
	for _, c := range cmd.Subcommands {
		if c.Name != "help" {
			out = append(out, c)
		}
	}
	return out
}

// reorder puts a leaf command's flags, each with its value, before its
// positional arguments.
func reorder(cmd *cli.Command, name string, out, rest []string) ([]string, error) {
	var flags, positional []string
	dashes := false
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional, dashes = append(positional, rest[i+1:]...), true
			i = len(rest)
		case isFlag(a):
			flags = append(flags, a)
			if !strings.Contains(a, "=") && takesValue(cmd, a) && i+1 < len(rest) {
				flags = append(flags, rest[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) > 0 && cmd.ArgsUsage == "" && !slices.Contains(flags, "-h") && !slices.Contains(flags, "--help") {
		return nil, usagef("%s takes no arguments, got %q (flags start with --)", name, positional[0])
	}
	out = append(out, flags...)
	if dashes {
		out = append(out, "--")
	}
	return append(out, positional...), nil
}

// isFlag reports whether a command-line word is a flag ("-" alone is a
// positional argument: standard input or output).
func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }

// takesValue reports whether flag word a (-x, --name) names one of cmd's
// flags that takes a value. An unknown flag is taken as a switch; the
// parser then refuses it.
func takesValue(cmd *cli.Command, a string) bool {
	name := strings.TrimLeft(a, "-")
	for _, f := range cmd.Flags {
		if !slices.Contains(f.Names(), name) {
			continue
		}
		if v, ok := f.(cli.DocGenerationFlag); ok {
			return v.TakesValue()
		}
		return true
	}
	return false
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// unknownCommand is the usage error for a command name that is not one:
// it names the nearest command by edit distance, and lists them all when
// even the nearest is not a likely typo.
func unknownCommand(path []string, name string, cmds []*cli.Command) error {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	best, close := nearest(name, names)
	prefix := strings.Join(path, " ")
	if prefix != "" {
		prefix += " "
	}
	msg := fmt.Sprintf("unknown command %q; did you mean %q?", prefix+name, prefix+best)
	if !close {
		msg += fmt.Sprintf(" (campaignkit %shas %s)", prefix, strings.Join(names, ", "))
	}
	return usageError{msg}
}

// nearest is the name closest to s by edit distance, and whether it is
// close enough to be a likely typo: at most half of s's length (and at
// least 2) away, or beginning with s.
func nearest(s string, names []string) (string, bool) {
	s = strings.ToLower(s)
	best, bestD := "", -1
	for _, n := range names {
		if d := editDistance(s, n); bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len([]rune(s))/2) {
		return best, true
	}
	for _, n := range names {
		if len(s) >= 2 && strings.HasPrefix(n, s) {
			return n, true
		}
	}
	return best, false
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
