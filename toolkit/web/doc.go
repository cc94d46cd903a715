// Package web serves a campaign over HTTP: the toolkit page partner
// organisations browse and download from, co-branded cards made with a
// partner's own logo, and the operator's queue dashboard.
//
// Everything the pages need is embedded; cards are rendered on demand by a
// bounded pool of renderers and cached by what went into them, so a busy
// server answers 503 with Retry-After instead of running out of memory.
package web
