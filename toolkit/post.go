package toolkit

// Media is a picture that goes with a post: a file and its alt text. The
// queue stores it and the publishers send it, so it lives here, where both
// can use it without one importing the other.
type Media struct {
	Path string // file to read (absolute, or relative to the runner's working folder)
	Alt  string // alt text, in the post's language
}

// Published says where a published post can be found: what a publisher
// returns and the queue records.
type Published struct {
	RemoteID string // the platform's id for the post (status id, at:// URI, folder name)
	URL      string // a link a person can open, when the platform has one
}
