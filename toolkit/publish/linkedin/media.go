package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

type image struct {
	name, mime    string
	data          []byte
	width, height int
	alt           string
}

// loadImages reads the post's images, refusing before any upload a file
// LinkedIn would refuse: a kind other than JPEG, PNG or GIF.
func loadImages(post publish.Post) ([]image, error) {
	out := make([]image, 0, len(post.Images))
	for i, img := range post.Images {
		pic, err := publish.ReadPicture(img.Path, toolkit.MaxImageBytes)
		if err != nil {
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("linkedin: post %s: image %d: %s", post.ID, i+1, toolkit.Reason(err))}
		}
		switch pic.Type {
		case "image/jpeg", "image/png", "image/gif":
		default:
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("linkedin: post %s: image %d (%s) is %s; LinkedIn takes JPEG, PNG and GIF images", post.ID, i+1, img.Path, pic.Type)}
		}
		out = append(out, image{name: pic.Name, mime: pic.Type, data: pic.Data, width: pic.Width, height: pic.Height, alt: img.Alt})
	}
	return out, nil
}

// upload registers the image with the page as owner, PUTs its bytes to
// the upload URL LinkedIn gives, waits until LinkedIn has processed it,
// and returns its URN (urn:li:image:…). The alt text goes with the post.
func (p *Publisher) upload(ctx context.Context, img image) (string, error) {
	req := map[string]any{"initializeUploadRequest": map[string]any{"owner": p.cfg.Organization}}
	a, err := p.call(ctx, request{ep: epInit, method: http.MethodPost, url: p.base + "/rest/images?action=initializeUpload", body: wire.JSON(req)})
	if err != nil {
		return "", err
	}
	var init struct {
		Value struct {
			UploadURL string `json:"uploadUrl"`
			Image     string `json:"image"`
		} `json:"value"`
	}
	if err := json.Unmarshal(a.Body, &init); err != nil || init.Value.UploadURL == "" || init.Value.Image == "" {
		return "", fmt.Errorf("linkedin: %s: the answer has no uploadUrl and image", epInit)
	}
	if u, err := url.Parse(init.Value.UploadURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("linkedin: %s: uploadUrl %q is not an http(s) URL", epInit, init.Value.UploadURL)
	}
	if _, err := p.call(ctx, request{ep: epUpload, method: http.MethodPut, url: init.Value.UploadURL, body: wire.Bytes(img.data, img.mime)}); err != nil {
		return "", err
	}
	urn := init.Value.Image
	for polls := 0; ; polls++ {
		a, err := p.call(ctx, request{ep: epImage, method: http.MethodGet, url: p.base + "/rest/images/" + url.PathEscape(urn)})
		if err != nil {
			return "", err
		}
		var st struct {
			Status string `json:"status"`
		}
		_ = json.Unmarshal(a.Body, &st)
		switch st.Status {
		case "AVAILABLE":
			return urn, nil
		case "PROCESSING_FAILED":
			return "", &publish.PermanentError{Msg: fmt.Sprintf("linkedin: LinkedIn could not process the image (%s is PROCESSING_FAILED): check that it is a JPEG, PNG or GIF of fewer than %d pixels", urn, MaxPixels)}
		}
		if polls >= p.cfg.MaxPolls {
			return "", fmt.Errorf("linkedin: image %s still %s after %d checks", urn, st.Status, polls+1)
		}
		if err := p.cfg.Sleep(ctx, p.cfg.PollInterval); err != nil {
			return "", err
		}
	}
}
