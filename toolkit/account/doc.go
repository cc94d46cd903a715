// Package account knows the social-network accounts a campaign publishes
// through: the accounts file (which account serves which network and
// languages, and where its app credentials come from), the token store in
// the state folder, and the OAuth 2.0 sign-in (authorization code with
// PKCE and a loopback redirect) that fills it and keeps it fresh.
//
// Nothing here holds a secret in a file the user edits: the accounts file
// names environment variables and files, and is refused when a value in it
// looks like a token or a password.
package account
