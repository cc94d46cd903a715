package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// defaultTrustedProxies are where a reverse proxy on the same machine or
// network connects from: loopback, private and link-local addresses.
var defaultTrustedProxies = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
}

// peer is the address the connection comes from.
func peer(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// trusted reports whether addr is one of the server's own proxies.
func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.o.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// proxied reports whether r came through one of the server's proxies, so
// that its forwarding headers are the proxy's word, not the client's.
func (s *Server) proxied(r *http.Request) bool {
	return s.o.TrustProxy && s.trusted(peer(r))
}

// clientIP is the address rate limits are kept by: the peer's, or behind
// a trusted proxy the rightmost forwarded address that is not one of our
// proxies (everything left of it the client may have written itself).
// Without TrustProxy the headers are ignored: anyone can send them.
func (s *Server) clientIP(r *http.Request) string {
	p := peer(r)
	if !s.proxied(r) {
		return p
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		if !s.trusted(hops[i]) {
			return hops[i]
		}
	}
	if len(hops) > 0 {
		return hops[0] // a client on our own network
	}
	return p
}

// secureRequest reports whether the client reached us over HTTPS: on this
// connection, or at a trusted proxy that says so.
func (s *Server) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.proxied(r) {
		return false
	}
	if els := forwardedElements(r.Header); len(els) > 0 {
		return strings.EqualFold(els[len(els)-1]["proto"], "https")
	}
	protos := splitList(r.Header.Values("X-Forwarded-Proto"))
	return len(protos) > 0 && strings.EqualFold(protos[len(protos)-1], "https")
}

// forwardedFor lists the addresses a request passed through, client
// first: from the Forwarded header (RFC 7239) when there is one, else from
// X-Forwarded-For. Ports and IPv6 brackets are dropped; a value that is
// not an address ("unknown", an obfuscated name) is kept as written.
func forwardedFor(h http.Header) []string {
	var out []string
	if els := forwardedElements(h); len(els) > 0 {
		for _, el := range els {
			out = append(out, hostOf(el["for"]))
		}
		return out
	}
	for _, v := range splitList(h.Values("X-Forwarded-For")) {
		out = append(out, hostOf(v))
	}
	return out
}

// forwardedElements parses the Forwarded header: one map of lower-case
// parameter to unquoted value per hop.
func forwardedElements(h http.Header) []map[string]string {
	var out []map[string]string
	for _, el := range splitList(h.Values("Forwarded")) {
		m := map[string]string{}
		for _, pair := range strings.Split(el, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok {
				continue
			}
			m[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
		}
		out = append(out, m)
	}
	return out
}

// splitList splits comma-separated header values, in order, dropping
// empty items. (Quoted commas do not occur in the values read here.)
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// hostOf drops a port and IPv6 brackets from an address.
func hostOf(v string) string {
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap().String()
	}
	if a, err := netip.ParseAddr(strings.Trim(v, "[]")); err == nil {
		return a.Unmap().String()
	}
	return v
}
