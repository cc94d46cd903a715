package toolkit

import "net/http"

// SecurityHeaders sets on h the headers every page campaignkit serves (the
// toolkit page and dashboard, the live preview) carries, with csp as its
// Content-Security-Policy: no sniffing of types, no referrer to other
// sites, no framing, no opener across origins. Each server adds what only
// it needs.
func SecurityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}
