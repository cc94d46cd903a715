package fakeapi

import (
	"sync"
	"time"
)

// Limits is a per-endpoint rate limit counted per caller in windows of a
// fixed length. The length and where a window starts are the network's
// (X: 15 minutes from the first call; LinkedIn: the UTC day; Threads: the
// hour); the refusal's shape is the network's too, and stays in its fake.
// A fake embeds it, which gives it SetRateLimit.
type Limits struct {
	// Window is the length of a window.
	Window time.Duration
	// Aligned starts windows at whole multiples of Window (UTC hours and
	// days) instead of at a caller's first call.
	Aligned bool

	mu      sync.Mutex
	limits  map[string]int
	windows map[string]*Usage
}

// Usage is a caller's window on one endpoint, as rate-limit headers give
// it.
type Usage struct {
	Limit, Used int
	Reset       time.Time
}

// SetRateLimit allows limit calls to endpoint per caller per window.
func (l *Limits) SetRateLimit(endpoint string, limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limits == nil {
		l.limits = map[string]int{}
	}
	l.limits[endpoint] = limit
}

// Take counts a call by who to endpoint at now. It returns the window
// after the call, whether endpoint is limited at all, and whether the
// call is over the limit (then it is not counted).
func (l *Limits) Take(endpoint, who string, now time.Time) (u Usage, limited, over bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit, ok := l.limits[endpoint]
	if !ok {
		return Usage{}, false, false
	}
	if l.windows == nil {
		l.windows = map[string]*Usage{}
	}
	key := endpoint + " " + who
	win := l.windows[key]
	if win == nil || !now.Before(win.Reset) {
		start := now
		if l.Aligned {
			start = now.Truncate(l.Window)
		}
		win = &Usage{Limit: limit, Reset: start.Add(l.Window).Truncate(time.Second)}
		l.windows[key] = win
	}
	if win.Used >= win.Limit {
		return *win, true, true
	}
	win.Used++
	return *win, true, false
}
