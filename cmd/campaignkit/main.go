// Command campaignkit renders share cards, writes captions and toolkit
// bundles, and publishes an awareness-day campaign's posts on schedule.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones even on machines without a zoneinfo database

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// commands are every subcommand, in the order --help lists them. Each is
// made anew for each app, so nothing urfave/cli adds to a command while
// running one app is seen by the next.
func commands() []*cli.Command {
	return []*cli.Command{
		buildCommand(), renderCommand(), previewCommand(), lintCommand(), initCommand(), translationsCommand(), themesCommand(), formatsCommand(),
		scheduleCommand(), queueCommand(), migrateCommand(), runCommand(), accountsCommand(), newServeCommand(time.Now),
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	cmds := commands()
	return &cli.App{
		Name:    "campaignkit",
		Usage:   "share cards, captions, toolkit bundles and a publishing scheduler for awareness-day campaigns",
		Version: version,
		Description: "campaignkit turns one campaign file into everything a communications team needs for an\n" +
			"awareness day: cards in every platform size and language, captions within each platform's\n" +
			"limits, alt text, a toolkit bundle for partners, and a scheduler that publishes each post once.\n\n" +
			"With no --campaign, commands use the embedded demo: International Migrants Day 2026.",
		Commands:        cmds,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // exit codes are decided in run
	}
}

// run executes the app and returns the process exit code: 0 ok, 1 failure,
// 2 invalid input, 130 interrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	args, err := prepareArgs(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var exit cli.ExitCoder
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "campaignkit: interrupted")
		return 130
	case toolkit.IsInvalid(err):
		fmt.Fprintf(stderr, "campaignkit: %v\n", err)
		return 2
	case errors.As(err, &exit):
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(stderr, "campaignkit: %s\n", msg)
		}
		return exit.ExitCode()
	default:
		fmt.Fprintf(stderr, "campaignkit: %v\n", err)
		if isUsage(err) {
			return 2
		}
		return 1
	}
}

// usageError marks a mistake in the command line itself (unknown flag value).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func isUsage(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return true
	}
	// urfave/cli's own command-line mistakes
	msg := err.Error()
	for _, s := range []string{"flag provided but not defined", "Required flag", "Required flags", "invalid value", "flag needs an argument"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
