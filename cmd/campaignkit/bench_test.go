//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkProcess runs the built binary on the embedded demo, one process
// per iteration, and reports what a user waits for and pays: CPU time
// (user plus system, all threads) per process and the largest peak
// resident memory seen. ns/op is wall time.
func BenchmarkProcess(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "campaignkit")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	rebuilt := filepath.Join(dir, "rebuilt")
	if out, err := exec.Command(bin, "build", "-q", "-o", rebuilt).CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	n := 0
	cases := []struct {
		name string
		args func() []string
	}{
		{"render", func() []string {
			return []string{"render", "--card", "quote-guterres", "-o", filepath.Join(dir, "card.png")}
		}},
		{"lint", func() []string { return []string{"lint"} }},
		{"build", func() []string {
			n++
			return []string{"build", "-q", "-o", filepath.Join(dir, "cold", strconv.Itoa(n))}
		}},
		{"rebuild", func() []string { return []string{"build", "-q", "-o", rebuilt} }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var cpu time.Duration
			var peak int64
			runs := 0
			for b.Loop() {
				cmd := exec.Command(bin, c.args()...)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", c.args(), err, out)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peak = max(peak, ru.Maxrss) // KiB on Linux
				}
				runs++
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(runs), "cpu-ms/op")
			b.ReportMetric(float64(peak)/1024, "peak-MiB")
			os.RemoveAll(filepath.Join(dir, "cold"))
		})
	}
}
