package schedule

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/campaign"
	"github.com/campaignkit/campaignkit/toolkit/i18n"
	"github.com/robfig/cron/v3"
)

// Schedule is a validated schedule template: recurring or one-off slots in
// a campaign's local time.
type Schedule struct {
	Description string `yaml:"description"`
	Slots       []Slot `yaml:"slots"`

	// Name is the schedule's name: its file name without .yaml.
	Name string `yaml:"-"`
	// File is the name the schedule was loaded from, for messages.
	File string `yaml:"-"`
	// Pos holds the line of every field path, for checks made when planning.
	Pos toolkit.Positions `yaml:"-"`
}

// Slot is one line of a schedule: when (a cron spec or explicit local
// times), what (campaign posts or a rotation of cards, one per firing) and
// where (channels and languages).
type Slot struct {
	ID string `yaml:"id"`
	// Cron is a five-field cron spec (minute hour day-of-month month
	// day-of-week) or a descriptor such as @daily, read in the campaign's
	// zone and limited to campaign week.
	Cron string `yaml:"cron"`
	// At lists explicit local times: "2026-12-18 09:00" for one day, or
	// "09:00" for every day of campaign week.
	At []string `yaml:"at"`
	// Posts rotates through campaign posts by id, one per firing.
	Posts []string `yaml:"posts"`
	// Cards rotates through cards by id (countdown days as countdown-3),
	// one per firing.
	Cards []string `yaml:"cards"`
	// Repeat starts a rotation over when a slot fires more often than it
	// has posts or cards; without it that is an error.
	Repeat bool `yaml:"repeat"`
	// Channels to publish to; for posts, default the post's own channels.
	Channels []string `yaml:"channels"`
	// Languages to publish in; default the post's or the campaign's.
	Languages []string `yaml:"languages"`
	// Text is the copy for card rotations, per language. Without it a
	// countdown card says its countdown phrase and other cards the
	// campaign's tagline.
	Text campaign.Text `yaml:"text"`
	// Link for card rotations: a key of the campaign's links or a URL.
	Link string `yaml:"link"`

	spec  *cron.SpecSchedule
	times []slotTime
}

// slotTime is one entry of Slot.At: a full local time, or a time of day
// when Daily.
type slotTime struct {
	Wall  wallClock
	Daily bool
}

var (
	idRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Find loads the schedule called name. A name ending in .yaml is a file in
// the campaign's folder (campaignFS); any other name is looked up there as
// name.yaml first, then among the built-in schedules (builtin).
func Find(campaignFS, builtin fs.FS, name string) (*Schedule, error) {
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
		return Load(campaignFS, name)
	}
	if campaignFS != nil {
		_, err := fs.Stat(campaignFS, name+".yaml")
		if err == nil {
			return Load(campaignFS, name+".yaml")
		}
		if !errors.Is(err, fs.ErrNotExist) { // there, but not to be read
			return nil, toolkit.Invalid("", 0, "schedule", "cannot read schedule file %q: %s", name+".yaml", toolkit.Reason(err))
		}
	}
	if builtin != nil {
		if _, err := fs.Stat(builtin, name+".yaml"); err == nil {
			return Load(builtin, name+".yaml")
		}
	}
	return nil, toolkit.Invalid("", 0, "schedule", "no schedule %q: built-in schedules are %s, or give a .yaml file beside the campaign", name, strings.Join(Names(builtin), ", "))
}

// Names lists the schedules in fsys (files *.yaml at its root).
func Names(fsys fs.FS) []string {
	if fsys == nil {
		return nil
	}
	matches, _ := fs.Glob(fsys, "*.yaml")
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(m, ".yaml"))
	}
	return names
}

// Load reads and validates the schedule file name in fsys. Every problem is
// reported at once as a *toolkit.InvalidError with file:line and field path.
// A file that is there but can never be read (a pipe, a folder, outside
// the campaign's folder, over toolkit.MaxYAMLBytes) is a problem with no
// file, at the field "schedule", for the caller to place where the
// schedule is named.
func Load(fsys fs.FS, name string) (*Schedule, error) {
	data, err := toolkit.ReadFile(fsys, name, toolkit.MaxYAMLBytes)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, toolkit.Invalid(name, 0, "", "no such schedule file")
		case errors.Is(err, toolkit.ErrNotRegular), errors.Is(err, toolkit.ErrOutside), errors.Is(err, toolkit.ErrTooBig):
			return nil, toolkit.Invalid("", 0, "schedule", "cannot read schedule file %q: %s", name, toolkit.Reason(err))
		}
		return nil, fmt.Errorf("read schedule %s: %w", name, err)
	}
	return Parse(name, data)
}

// Parse is Load for data already read; file names it in messages.
func Parse(file string, data []byte) (*Schedule, error) {
	s := &Schedule{File: file, Name: strings.TrimSuffix(strings.TrimSuffix(path.Base(file), ".yaml"), ".yml")}
	pos, err := toolkit.DecodeYAML(file, data, s)
	s.Pos = pos
	ps := &toolkit.Problems{File: file}
	if err != nil {
		var ie *toolkit.InvalidError
		if !errors.As(err, &ie) || pos == nil {
			return nil, err
		}
		ps.Append(ie.Problems...)
	}
	s.validate(ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// cronParser reads the standard five fields and descriptors. Seconds are not
// offered: posts are planned to the minute.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (s *Schedule) validate(ps *toolkit.Problems) {
	if len(s.Slots) == 0 {
		ps.Add(s.Pos.Line("slots"), "slots", "missing: a schedule needs at least one slot")
	}
	ids := map[string]int{}
	for i := range s.Slots {
		sl := &s.Slots[i]
		p := fmt.Sprintf("slots[%d]", i)
		at := func(field, format string, args ...any) {
			ps.Add(s.Pos.Line(p+field), p+field, format, args...)
		}
		if !idRe.MatchString(sl.ID) {
			at(".id", "want lowercase letters, digits and dashes such as daily-countdown, got %q", sl.ID)
		} else if prev, dup := ids[sl.ID]; dup {
			at(".id", "id %q is already used by slots[%d]", sl.ID, prev)
		}
		ids[sl.ID] = i
		switch {
		case sl.Cron == "" && len(sl.At) == 0:
			at("", "missing: give cron (e.g. \"0 12 * * *\") or at (e.g. [\"2026-12-18 09:00\"])")
		case sl.Cron != "" && len(sl.At) > 0:
			at(".at", "give either cron or at, not both")
		case sl.Cron != "":
			sl.spec = parseCron(sl.Cron, func(format string, args ...any) { at(".cron", format, args...) })
		}
		for k, a := range sl.At {
			st, ok := parseSlotTime(a)
			if !ok {
				at(fmt.Sprintf(".at[%d]", k), "want a local time such as \"2026-12-18 09:00\" or a time of day such as \"09:00\", got %q", a)
				continue
			}
			sl.times = append(sl.times, st)
		}
		switch {
		case len(sl.Posts) == 0 && len(sl.Cards) == 0:
			at("", "missing: give posts (campaign post ids) or cards (card ids to rotate through)")
		case len(sl.Posts) > 0 && len(sl.Cards) > 0:
			at(".cards", "give either posts or cards, not both")
		}
		if len(sl.Cards) > 0 && len(sl.Channels) == 0 {
			at(".channels", "missing: list where the cards go, from %v", campaign.Channels)
		}
		if len(sl.Posts) > 0 && (sl.Text != nil || sl.Link != "") {
			at(".text", "text and link are for card rotations; posts bring their own")
		}
		for k, ch := range sl.Channels {
			if !slices.Contains(campaign.Channels, ch) {
				at(fmt.Sprintf(".channels[%d]", k), "unknown channel %q: choose from %v", ch, campaign.Channels)
			}
		}
		for k, l := range sl.Languages {
			if _, err := i18n.Parse(l); err != nil {
				at(fmt.Sprintf(".languages[%d]", k), "%v", err)
			}
		}
	}
}

// parseCron reads a cron spec. Time zones come from the campaign, so a
// TZ= prefix is refused, and so is @every, which has no wall-clock meaning.
func parseCron(spec string, bad func(format string, args ...any)) *cron.SpecSchedule {
	trimmed := strings.TrimSpace(spec)
	if strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ=") {
		bad("remove the time zone from %q: slots run in the campaign's time zone", spec)
		return nil
	}
	if strings.HasPrefix(trimmed, "@every") {
		bad("@every is not supported: give the times of day, e.g. \"0 */4 * * *\"")
		return nil
	}
	sched, err := cronParser.Parse(trimmed)
	if err != nil {
		bad("invalid cron spec %q: %v (want minute hour day-of-month month day-of-week, e.g. \"0 12 * * *\")", spec, err)
		return nil
	}
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		bad("unsupported cron spec %q", spec)
		return nil
	}
	return ss
}

func parseSlotTime(s string) (slotTime, bool) {
	if t, err := time.Parse(campaign.LocalLayout, s); err == nil {
		return slotTime{Wall: wallClock{t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute()}}, true
	}
	if t, err := time.Parse("15:04", s); err == nil {
		return slotTime{Wall: wallClock{Hour: t.Hour(), Min: t.Minute()}, Daily: true}, true
	}
	return slotTime{}, false
}
