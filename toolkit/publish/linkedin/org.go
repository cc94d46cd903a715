package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Role is a member's role on a page, as GET /rest/organizationAcls gives
// it.
type Role struct {
	Organization string // urn:li:organization:…
	Name         string // the page's localized name
	Role         string // ADMINISTRATOR, CONTENT_ADMINISTRATOR, …
	State        string // APPROVED, REQUESTED, REVOKED
}

// CanPost reports whether the role allows posting as the page: organic
// posts by w_organization_social are restricted to these roles.
func (r Role) CanPost() bool {
	if r.State != "" && r.State != "APPROVED" {
		return false
	}
	switch r.Role {
	case "ADMINISTRATOR", "CONTENT_ADMINISTRATOR", "CONTENT_ADMIN", "DIRECT_SPONSORED_CONTENT_POSTER":
		return true
	}
	return false
}

// Roles asks LinkedIn which pages the signed-in member has a role on
// (read-only; needs rw_organization_admin), with each page's name. It
// also proves the token works.
func (p *Publisher) Roles(ctx context.Context) ([]Role, error) {
	q := url.Values{"q": {"roleAssignee"}, "state": {"APPROVED"}}
	a, err := p.call(ctx, request{ep: epACLs, method: http.MethodGet, url: p.base + "/rest/organizationAcls?" + q.Encode(), finder: true})
	if err != nil {
		return nil, err
	}
	var out struct {
		Elements []struct {
			Organization string `json:"organization"`
			Role         string `json:"role"`
			State        string `json:"state"`
		} `json:"elements"`
	}
	if err := p.client.Decode(epACLs, a, &out); err != nil {
		return nil, err
	}
	roles := make([]Role, 0, len(out.Elements))
	for _, e := range out.Elements {
		r := Role{Organization: e.Organization, Role: e.Role, State: e.State}
		id := strings.TrimPrefix(e.Organization, "urn:li:organization:")
		if a, err := p.call(ctx, request{ep: epOrg, method: http.MethodGet, url: p.base + "/rest/organizations/" + url.PathEscape(id)}); err == nil {
			var o struct {
				LocalizedName string `json:"localizedName"`
			}
			if json.Unmarshal(a.Body, &o) == nil {
				r.Name = o.LocalizedName
			}
		}
		roles = append(roles, r)
	}
	return roles, nil
}

// Choose picks the page an account posts as among roles: the one named
// by want (a number or a URN), else the one whose name is handle, else
// the only page the member may post for. The error lists the choices.
func Choose(roles []Role, want, handle string) (Role, error) {
	var postable []Role
	for _, r := range roles {
		if r.CanPost() {
			postable = append(postable, r)
		}
	}
	list := func() string {
		var s []string
		for _, r := range postable {
			s = append(s, fmt.Sprintf("%s %q (%s)", strings.TrimPrefix(r.Organization, "urn:li:organization:"), r.Name, r.Role))
		}
		return strings.Join(s, ", ")
	}
	if want != "" {
		if !strings.HasPrefix(want, "urn:li:organization:") {
			want = "urn:li:organization:" + want
		}
		for _, r := range roles {
			if r.Organization == want {
				if !r.CanPost() {
					return Role{}, fmt.Errorf("the member's role on %s is %s %s, which cannot post as the page: an administrator of the page must make them a content administrator or administrator", want, r.State, r.Role)
				}
				return r, nil
			}
		}
		return Role{}, fmt.Errorf("the member who signed in has no role on %s (pages they can post for: %s)", want, orNone(list()))
	}
	for _, r := range postable {
		if handle != "" && strings.EqualFold(strings.TrimSpace(r.Name), strings.TrimSpace(handle)) {
			return r, nil
		}
	}
	switch len(postable) {
	case 0:
		return Role{}, fmt.Errorf("the member who signed in cannot post for any page: an administrator of the page must make them a content administrator or administrator")
	case 1:
		return postable[0], nil
	}
	return Role{}, fmt.Errorf("the member can post for several pages and none is named %q: choose one with --organization (%s)", handle, list())
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
