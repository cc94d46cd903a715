package linkedintest

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif"  // image.DecodeConfig
	_ "image/jpeg" // image.DecodeConfig
	_ "image/png"  // image.DecodeConfig
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/campaignkit/campaignkit/toolkit/publish/internal/fakeapi"
)

// reserved are the characters of the little text format that must be
// escaped with a backslash to be text.
const reserved = `\|{}@[]()<>#*_~`

// shown is what members see of commentary: escapes undone, and the text
// cut at the first reserved character left unescaped, as LinkedIn does
// (silently: the post is accepted). A # starting a hashtag and the
// characters of a link are not cut.
func shown(commentary string) string {
	var b strings.Builder
	rs := []rune(commentary)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\\' && i+1 < len(rs) && strings.ContainsRune(reserved, rs[i+1]) {
			b.WriteRune(rs[i+1])
			i++
			continue
		}
		if (r == 'h') && (strings.HasPrefix(string(rs[i:]), "http://") || strings.HasPrefix(string(rs[i:]), "https://")) {
			for ; i < len(rs) && !unicode.IsSpace(rs[i]); i++ {
				b.WriteRune(rs[i])
			}
			i--
			continue
		}
		if r == '#' && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])) && (i == 0 || !unicode.IsLetter(rs[i-1]) && !unicode.IsDigit(rs[i-1])) {
			b.WriteRune(r)
			continue
		}
		if strings.ContainsRune(reserved, r) {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

type mediaRef struct {
	ID      string `json:"id"`
	AltText string `json:"altText"`
}

type postBody struct {
	Author       string `json:"author"`
	Commentary   string `json:"commentary"`
	Visibility   string `json:"visibility"`
	Distribution *struct {
		FeedDistribution string `json:"feedDistribution"`
	} `json:"distribution"`
	LifecycleState string `json:"lifecycleState"`
	Content        *struct {
		Media      *mediaRef `json:"media"`
		MultiImage *struct {
			Images []mediaRef `json:"images"`
		} `json:"multiImage"`
	} `json:"content"`
	IsReshareDisabledByAuthor bool `json:"isReshareDisabledByAuthor"`
}

func bad(w http.ResponseWriter, msg string) {
	apiError(w, http.StatusUnprocessableEntity, 0, "", msg)
}

// createPost is POST /rest/posts: 201 with the new post's URN in the
// x-restli-id header and no body.
func (s *Server) createPost(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "POST /rest/posts", "partnerApiPostsExternal.CREATE", "w_organization_social")
	if g == nil {
		return
	}
	var p postBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&p); err != nil {
		apiError(w, http.StatusBadRequest, 0, "", "Unable to parse the request body: "+err.Error())
		return
	}
	switch {
	case p.Author == "":
		bad(w, "/author: field is required but not found and has no default value")
		return
	case p.LifecycleState != "PUBLISHED" && p.LifecycleState != "DRAFT":
		bad(w, "/lifecycleState: field is required: PUBLISHED or DRAFT")
		return
	case p.Visibility != "PUBLIC" && p.Visibility != "CONNECTIONS" && p.Visibility != "LOGGED_IN":
		bad(w, "/visibility: field is required: PUBLIC, CONNECTIONS or LOGGED_IN")
		return
	case p.Distribution == nil || p.Distribution.FeedDistribution == "":
		bad(w, "/distribution/feedDistribution: field is required but not found and has no default value")
		return
	case utf8.RuneCountInString(p.Commentary) > MaxCommentary:
		bad(w, "/commentary: length "+strconv.Itoa(utf8.RuneCountInString(p.Commentary))+" exceeds the maximum of "+strconv.Itoa(MaxCommentary))
		return
	}
	var refs []mediaRef
	if p.Content != nil {
		switch {
		case p.Content.Media != nil && p.Content.MultiImage != nil:
			bad(w, "/content: only one of media and multiImage may be given")
			return
		case p.Content.Media != nil:
			refs = []mediaRef{*p.Content.Media}
		case p.Content.MultiImage != nil:
			refs = p.Content.MultiImage.Images
			if len(refs) < 2 || len(refs) > MaxImages {
				bad(w, "/content/multiImage/images: a multi-image post has 2 to "+strconv.Itoa(MaxImages)+" images, got "+strconv.Itoa(len(refs)))
				return
			}
		}
	}
	s.mu.Lock()
	if s.orgByURN(p.Author) == nil || !s.canPost(g.UserID, p.Author) {
		s.mu.Unlock()
		apiError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.CREATE for author "+p.Author)
		return
	}
	post := &Post{Author: p.Author, Commentary: p.Commentary, Shown: shown(p.Commentary), CreatedAt: s.Now()}
	for i, ref := range refs {
		img := s.images[ref.ID]
		field := "/content/media"
		if p.Content.MultiImage != nil {
			field = "/content/multiImage/images/" + strconv.Itoa(i)
		}
		switch {
		case img == nil || img.owner != p.Author:
			s.mu.Unlock()
			bad(w, field+"/id: "+ref.ID+" is not an image of "+p.Author)
			return
		case !img.uploaded || img.polls < s.ProcessingPolls:
			s.mu.Unlock()
			bad(w, field+"/id: "+ref.ID+" is not AVAILABLE yet")
			return
		case utf8.RuneCountInString(ref.AltText) > MaxAltText:
			s.mu.Unlock()
			bad(w, field+"/altText: length "+strconv.Itoa(utf8.RuneCountInString(ref.AltText))+" exceeds the maximum of "+strconv.Itoa(MaxAltText))
			return
		}
		post.Images = append(post.Images, ref.ID)
		post.AltTexts = append(post.AltTexts, ref.AltText)
	}
	for _, old := range s.posts {
		if old.Author == p.Author && old.Commentary == p.Commentary && p.Commentary != "" && s.Now().Sub(old.CreatedAt) < 24*time.Hour {
			s.mu.Unlock()
			bad(w, "Content is a duplicate of "+old.URN)
			return
		}
	}
	post.URN = "urn:li:share:" + strconv.FormatInt(s.next(), 10)
	s.posts = append(s.posts, post)
	s.mu.Unlock()
	if s.Drop(w) {
		return
	}
	w.Header().Set("x-restli-id", post.URN)
	w.WriteHeader(http.StatusCreated)
}

// findPosts is GET /rest/posts?author=…&q=author: the author's posts,
// most recently changed first.
func (s *Server) findPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("q") != "author" {
		apiError(w, http.StatusBadRequest, 0, "", "Unsupported finder: q must be author")
		return
	}
	if r.Header.Get("X-RestLi-Method") != "FINDER" {
		apiError(w, http.StatusBadRequest, 0, "", "X-RestLi-Method: FINDER is required for a finder request")
		return
	}
	g := s.auth(w, r, "GET /rest/posts", "partnerApiPostsExternal.FINDER-author", "r_organization_social")
	if g == nil {
		return
	}
	author := q.Get("author")
	count, _ := strconv.Atoi(q.Get("count"))
	if count <= 0 || count > 100 {
		count = 10
	}
	s.mu.Lock()
	if !s.canPost(g.UserID, author) {
		s.mu.Unlock()
		apiError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.FINDER-author for author "+author)
		return
	}
	var mine []*Post
	for _, p := range s.posts {
		if p.Author == author {
			mine = append(mine, p)
		}
	}
	s.mu.Unlock()
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].CreatedAt.After(mine[j].CreatedAt) })
	if len(mine) > count {
		mine = mine[:count]
	}
	elems := []any{}
	for _, p := range mine {
		e := map[string]any{"id": p.URN, "author": p.Author, "commentary": p.Commentary, "visibility": "PUBLIC",
			"lifecycleState": "PUBLISHED", "createdAt": p.CreatedAt.UnixMilli(), "publishedAt": p.CreatedAt.UnixMilli(),
			"lastModifiedAt": p.CreatedAt.UnixMilli(), "distribution": map[string]any{"feedDistribution": "MAIN_FEED"}}
		switch len(p.Images) {
		case 0:
		case 1:
			e["content"] = map[string]any{"media": map[string]any{"id": p.Images[0], "altText": p.AltTexts[0]}}
		default:
			var imgs []any
			for i := range p.Images {
				imgs = append(imgs, map[string]any{"id": p.Images[i], "altText": p.AltTexts[i]})
			}
			e["content"] = map[string]any{"multiImage": map[string]any{"images": imgs}}
		}
		elems = append(elems, e)
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"elements": elems, "paging": map[string]any{"start": 0, "count": count, "links": []any{}}})
}

// initializeUpload is POST /rest/images?action=initializeUpload.
func (s *Server) initializeUpload(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("action") != "initializeUpload" {
		apiError(w, http.StatusBadRequest, 0, "", "Unsupported action: want action=initializeUpload")
		return
	}
	g := s.auth(w, r, "POST /rest/images", "partnerApiImages.ACTION-initializeUpload", "w_organization_social", "w_member_social")
	if g == nil {
		return
	}
	var body struct {
		InitializeUploadRequest struct {
			Owner string `json:"owner"`
		} `json:"initializeUploadRequest"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil || body.InitializeUploadRequest.Owner == "" {
		bad(w, "/initializeUploadRequest/owner: field is required but not found and has no default value")
		return
	}
	owner := body.InitializeUploadRequest.Owner
	s.mu.Lock()
	if !s.canPost(g.UserID, owner) {
		s.mu.Unlock()
		apiError(w, http.StatusForbidden, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiImages.ACTION-initializeUpload for owner "+owner)
		return
	}
	urn := "urn:li:image:D4E10AQ" + fakeapi.RandHex(8)
	tok := fakeapi.RandHex(12)
	s.images[urn] = &upload{urn: urn, owner: owner}
	s.uploads[tok] = urn
	exp := s.Now().Add(24 * time.Hour).UnixMilli()
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"value": map[string]any{
		"uploadUrlExpiresAt": exp, "uploadUrl": s.URL + "/upload/" + tok, "image": urn}})
}

// upload takes the bytes PUT to an upload URL.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		apiError(w, http.StatusUnauthorized, 401, "", "Empty oauth2_access_token")
		return
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, 64<<20)); err != nil {
		apiError(w, http.StatusRequestEntityTooLarge, 0, "", "upload too large")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	urn := s.uploads[r.PathValue("token")]
	if urn == "" {
		apiError(w, http.StatusNotFound, 0, "", "no such upload")
		return
	}
	delete(s.uploads, r.PathValue("token"))
	img := s.images[urn]
	img.data, img.uploaded = buf.Bytes(), true
	w.WriteHeader(http.StatusCreated)
}

// getImage is GET /rest/images/{urn}: WAITING_UPLOAD, PROCESSING,
// AVAILABLE or PROCESSING_FAILED.
func (s *Server) getImage(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /rest/images", "partnerApiImages.GET", "w_organization_social", "r_organization_social")
	if g == nil {
		return
	}
	urn, _ := url.PathUnescape(r.PathValue("urn"))
	s.mu.Lock()
	defer s.mu.Unlock()
	img := s.images[urn]
	if img == nil {
		apiError(w, http.StatusNotFound, 0, "", "Not Found: "+urn)
		return
	}
	status := "WAITING_UPLOAD"
	if img.uploaded {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(img.data))
		switch {
		case err != nil || cfg.Width*cfg.Height >= MaxPixels:
			status = "PROCESSING_FAILED"
		case img.polls < s.ProcessingPolls:
			img.polls++
			status = "PROCESSING"
		default:
			status = "AVAILABLE"
		}
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"id": urn, "owner": img.owner, "status": status})
}

// acls is GET /rest/organizationAcls?q=roleAssignee: the signed-in
// member's roles.
func (s *Server) acls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("q") != "roleAssignee" {
		apiError(w, http.StatusBadRequest, 0, "", "Unsupported finder: q must be roleAssignee")
		return
	}
	g := s.auth(w, r, "GET /rest/organizationAcls", "organizationAcls.FINDER-roleAssignee", "rw_organization_admin", "r_organization_admin")
	if g == nil {
		return
	}
	s.mu.Lock()
	var urns []string
	for org := range s.roles[g.UserID] {
		urns = append(urns, org)
	}
	sort.Strings(urns)
	elems := []any{}
	for _, org := range urns {
		role := s.roles[g.UserID][org]
		if want := q.Get("role"); want != "" && want != role {
			continue
		}
		elems = append(elems, map[string]any{"organization": org, "role": role, "state": "APPROVED", "roleAssignee": g.UserID})
	}
	s.mu.Unlock()
	fakeapi.JSON(w, http.StatusOK, map[string]any{"elements": elems, "paging": map[string]any{"start": 0, "count": 10}})
}

// organization is GET /rest/organizations/{id}.
func (s *Server) organization(w http.ResponseWriter, r *http.Request) {
	g := s.auth(w, r, "GET /rest/organizations", "organizations.GET", "rw_organization_admin", "r_organization_admin")
	if g == nil {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	o := s.orgs[id]
	s.mu.Unlock()
	if o == nil {
		apiError(w, http.StatusNotFound, 0, "", "Not Found")
		return
	}
	fakeapi.JSON(w, http.StatusOK, map[string]any{"id": o.ID, "localizedName": o.Name, "vanityName": strings.ToLower(strings.ReplaceAll(o.Name, " ", "-"))})
}
