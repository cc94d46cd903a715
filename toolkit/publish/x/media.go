package x

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/campaignkit/campaignkit/toolkit"
	"github.com/campaignkit/campaignkit/toolkit/publish"
	"github.com/campaignkit/campaignkit/toolkit/publish/internal/wire"
)

// X's media limits (upload reference): images up to 5 MB, animated GIFs up
// to 15 MB, each APPEND chunk up to 5 MB.
const (
	MaxImageBytes = 5 << 20
	MaxGIFBytes   = 15 << 20
	chunkBytes    = 4 << 20
)

type image struct {
	name, mime string
	data       []byte
	alt        string
}

// loadImages reads the post's images, refusing before any upload a file X
// would refuse: a kind it does not take, or over its size.
func loadImages(post publish.Post) ([]image, error) {
	out := make([]image, 0, len(post.Images))
	for i, img := range post.Images {
		pic, err := publish.ReadPicture(img.Path, MaxGIFBytes)
		if errors.Is(err, toolkit.ErrTooBig) {
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("x: post %s: image %d (%s) has %d bytes; X takes images up to 5 MB (15 MB for a GIF)", post.ID, i+1, img.Path, pic.Size)}
		}
		if err != nil {
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("x: post %s: image %d: %v", post.ID, i+1, err)}
		}
		m := pic.Type
		limit := int64(MaxImageBytes)
		switch m {
		case "image/jpeg", "image/png", "image/webp":
		case "image/gif":
			limit = MaxGIFBytes
		default:
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("x: post %s: image %d (%s) is %s; X takes JPEG, PNG, WebP and GIF images", post.ID, i+1, img.Path, m)}
		}
		if pic.Size > limit {
			return nil, &publish.PermanentError{Msg: fmt.Sprintf("x: post %s: image %d (%s) has %d bytes; X takes %s images up to %d MB", post.ID, i+1, img.Path, pic.Size, m, limit>>20)}
		}
		out = append(out, image{name: pic.Name, mime: m, data: pic.Data, alt: img.Alt})
	}
	return out, nil
}

type processingInfo struct {
	State          string `json:"state"`
	CheckAfterSecs int    `json:"check_after_secs"`
	Error          *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

type uploadAnswer struct {
	Data struct {
		ID             string          `json:"id"`
		MediaKey       string          `json:"media_key"`
		ProcessingInfo *processingInfo `json:"processing_info"`
	} `json:"data"`
}

// form is a multipart/form-data body of fields and, when chunk is not
// nil, the chunk as the "media" file part.
func form(fields url.Values, chunk []byte) wire.Body {
	if chunk == nil {
		return wire.Multipart(fields)
	}
	return wire.Multipart(fields, wire.File{Field: "media", Name: "blob", Type: "application/octet-stream", Data: chunk})
}

// upload sends one image through the chunked upload (INIT, APPEND,
// FINALIZE, then STATUS while X processes it), sets its alt text, and
// returns its media id.
func (p *Publisher) upload(ctx context.Context, img image) (string, error) {
	category := "tweet_image"
	if img.mime == "image/gif" {
		category = "tweet_gif"
	}
	var init uploadAnswer
	if err := p.call(ctx, epUpload, http.MethodPost, "/2/media/upload", form(url.Values{
		"command": {"INIT"}, "media_type": {img.mime}, "total_bytes": {strconv.Itoa(len(img.data))}, "media_category": {category},
	}, nil), &init); err != nil {
		return "", err
	}
	id := init.Data.ID
	if id == "" {
		return "", fmt.Errorf("x: %s INIT: the answer has no media id", epUpload)
	}
	for seg, off := 0, 0; off < len(img.data); seg, off = seg+1, off+chunkBytes {
		end := min(off+chunkBytes, len(img.data))
		if err := p.call(ctx, epUpload, http.MethodPost, "/2/media/upload", form(url.Values{
			"command": {"APPEND"}, "media_id": {id}, "segment_index": {strconv.Itoa(seg)},
		}, img.data[off:end]), nil); err != nil {
			return "", err
		}
	}
	var fin uploadAnswer
	if err := p.call(ctx, epUpload, http.MethodPost, "/2/media/upload", form(url.Values{"command": {"FINALIZE"}, "media_id": {id}}, nil), &fin); err != nil {
		return "", err
	}
	// processing_info only when X processes the file asynchronously:
	// pending -> in_progress -> succeeded | failed.
	info := fin.Data.ProcessingInfo
	for polls := 0; info != nil && info.State != "succeeded"; polls++ {
		if info.State == "failed" {
			why := "failed"
			if info.Error != nil {
				why = info.Error.Name + ": " + info.Error.Message
			}
			return "", &publish.PermanentError{Msg: fmt.Sprintf("x: X could not process the image: %s", why)}
		}
		if polls == p.cfg.MaxPolls {
			return "", fmt.Errorf("x: media %s still %s after %d checks", id, info.State, polls)
		}
		wait := p.cfg.PollInterval
		if info.CheckAfterSecs > 0 {
			wait = time.Duration(info.CheckAfterSecs) * time.Second
		}
		if err := p.cfg.Sleep(ctx, wait); err != nil {
			return "", err
		}
		var st uploadAnswer
		q := url.Values{"command": {"STATUS"}, "media_id": {id}}
		if err := p.call(ctx, epStatus, http.MethodGet, "/2/media/upload?"+q.Encode(), nil, &st); err != nil {
			return "", err
		}
		info = st.Data.ProcessingInfo
	}
	if img.alt != "" {
		meta := map[string]any{"id": id, "metadata": map[string]any{"alt_text": map[string]string{"text": img.alt}}}
		if err := p.call(ctx, epMetadata, http.MethodPost, "/2/media/metadata", wire.JSON(meta), nil); err != nil {
			return "", err
		}
	}
	return id, nil
}
