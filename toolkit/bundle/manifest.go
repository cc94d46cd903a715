package bundle

// Manifest is dist/<slug>/manifest.json: everything another program needs to
// use the bundle without guessing. Its JSON keys are a public contract.
type Manifest struct {
	Campaign ManifestCampaign `json:"campaign"`
	Images   []Image          `json:"images"`
	Posts    []Post           `json:"posts"`
}

// ManifestCampaign identifies the campaign a bundle was built from.
type ManifestCampaign struct {
	Name      string   `json:"name"`
	Slug      string   `json:"slug"`
	Day       string   `json:"day"`
	Timezone  string   `json:"timezone"`
	Languages []string `json:"languages"`
	Theme     string   `json:"theme"`
}

// Image is one rendered card file. Path is relative to the manifest, with
// forward slashes.
type Image struct {
	Path   string `json:"path"`
	Card   string `json:"card"`
	Kind   string `json:"kind"`
	Lang   string `json:"lang"`
	Preset string `json:"preset"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
	Alt    string `json:"alt"`
}

// Post is one planned publication: a card in one language at one instant,
// with its caption for each channel.
type Post struct {
	ID string `json:"id"`
	// UID names the post apart from its time, so that it stays the same
	// when the post's time is edited: calendar.ics's UID.
	UID      string            `json:"uid,omitempty"`
	At       string            `json:"at"`    // RFC 3339, UTC
	Local    string            `json:"local"` // 2006-01-02T15:04 in Timezone
	Timezone string            `json:"timezone"`
	Channels []string          `json:"channels"`
	Lang     string            `json:"lang"`
	Card     string            `json:"card"`
	Images   []string          `json:"images"`
	Alt      []string          `json:"alt"`
	Captions map[string]string `json:"captions"`
	// Withheld says, for each platform the post is not published to
	// whose limit its caption is over, why Captions has none for it.
	Withheld map[string]string `json:"withheld,omitempty"`
}
