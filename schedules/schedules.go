// Package schedules embeds the built-in schedule templates: one YAML file per
// schedule, named after it (demo-week.yaml is the schedule "demo-week"). A
// campaign names its schedule with `schedule:`; toolkit/schedule reads the
// format.
package schedules

import "embed"

// FS holds the built-in schedules as <name>.yaml at its root.
//
//go:embed *.yaml
var FS embed.FS
