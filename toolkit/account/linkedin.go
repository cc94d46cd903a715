package account

// LinkedInEndpoint is LinkedIn's OAuth 2.0 server for the 3-legged
// authorization-code flow
// (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
//
// campaignkit uses the standard code flow with the client secret, not
// PKCE: LinkedIn enables PKCE only for apps it has approved as native
// clients, and an organisation page's app (Community Management API) is
// a confidential client with a secret anyway. The redirect is still a
// loopback one (http://127.0.0.1:PORT/callback), registered in the app's
// Auth tab with the exact port, and the state parameter is checked.
var LinkedInEndpoint = Endpoint{
	AuthURL:      "https://www.linkedin.com/oauth/v2/authorization",
	TokenURL:     "https://www.linkedin.com/oauth/v2/accessToken",
	NoPKCE:       true,
	SecretInBody: true,
}

// LinkedInScopes are what campaignkit asks LinkedIn for:
// w_organization_social to post as the page, r_organization_social to read
// the page's recent posts (to find a copy an interrupted attempt left),
// and rw_organization_admin to list the pages the member administers
// (GET /rest/organizationAcls) at sign-in and in `accounts check`.
var LinkedInScopes = []string{"w_organization_social", "r_organization_social", "rw_organization_admin"}
