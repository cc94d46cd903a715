// Package schedule reads schedule templates and plans a campaign's posts:
// every slot of a schedule and every post of the campaign becomes one
// Planned post per channel and language, at a UTC instant resolved from the
// campaign's local time zone. Planning is pure: no clock, no I/O beyond the
// fs.FS a schedule is read from.
//
// Daylight saving is resolved here and nowhere else. A local time that does
// not exist because clocks spring forward moves forward by the gap (02:30
// becomes 03:30); a local time that happens twice because clocks fall back
// happens once, at its first occurrence.
package schedule
