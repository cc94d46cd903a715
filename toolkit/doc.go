// Package toolkit holds the domain types that campaignkit's subpackages share:
// languages, presets, the error kinds the command line maps to exit codes.
//
// Subpackages (campaign, theme, text, render, caption, bundle, schedule,
// queue, publish, runner, web) depend on this package and never on each
// other's internals; cmd/campaignkit wires them together.
package toolkit
