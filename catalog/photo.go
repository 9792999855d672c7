package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"image"
	_ "image/jpeg" // DecodeConfig of uploaded photos
	_ "image/png"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"zhenxing"
)

// Photo is one picture of a product, without its bytes (Photos.Content has them).
type Photo struct {
	ID          int64     `json:"id"`
	ProductID   int64     `json:"-"`
	Hash        string    `json:"hash"` // hex SHA-256 of the content: the photo's address
	ContentType string    `json:"content_type"`
	Alt         string    `json:"alt"`
	Position    int       `json:"position"` // 1 is the cover
	Size        int       `json:"size"`     // bytes
	CreatedAt   time.Time `json:"created_at"`
}

// URL is the photo's public address, "/hall/photos/<hash>.<ext>"; it changes with the content,
// so it can be cached for good.
func (p Photo) URL() string { return "/hall/photos/" + p.Hash + "." + p.Ext() }

// Ext is the file extension of the photo's type, without a dot.
func (p Photo) Ext() string {
	switch p.ContentType {
	case "image/jpeg":
		return "jpg"
	case "image/png":
		return "png"
	case "image/webp":
		return "webp"
	case "image/svg+xml":
		return "svg"
	}
	return "bin"
}

// Limits on photos.
const (
	MaxPhotoBytes = 5 << 20 // 5 MiB
	MaxPhotoSide  = 6000    // pixels, for raster images
	MaxPhotos     = 8       // per product
)

// CheckUpload is CheckPhoto for a photo uploaded by staff: SVG is refused (drawings come only
// with the seed and command-line imports).
func CheckUpload(data []byte) (string, error) {
	ct, err := CheckPhoto(data)
	if err == nil && ct == "image/svg+xml" {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "只能上传 JPEG、PNG 或 WebP 图片。")
	}
	return ct, err
}

// CheckPhoto decides a photo's type from its content, never from a file name, and checks it:
// JPEG and PNG must decode to at most MaxPhotoSide pixels a side, WebP must have a sound header,
// and SVG must be a plain drawing: no script, no event handler, no external reference, no
// embedded HTML. It returns the content type or an EInvalid error saying why in Chinese.
func CheckPhoto(data []byte) (string, error) {
	if len(data) == 0 {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "图片文件是空的。")
	}
	if len(data) > MaxPhotoBytes {
		return "", zhenxing.Errorf(zhenxing.EInvalid, "图片不能超过 %d MB。", MaxPhotoBytes>>20)
	}
	switch ct := http.DetectContentType(data); ct {
	case "image/jpeg", "image/png":
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", zhenxing.Errorf(zhenxing.EInvalid, "图片文件已损坏，无法读取。")
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
			return "", zhenxing.Errorf(zhenxing.EInvalid, "图片尺寸 %d×%d 不合适，每边应在 %d 像素以内。", cfg.Width, cfg.Height, MaxPhotoSide)
		}
		return ct, nil
	case "image/webp":
		if len(data) < 16 || !bytes.Equal(data[12:15], []byte("VP8")) {
			return "", zhenxing.Errorf(zhenxing.EInvalid, "图片文件已损坏，无法读取。")
		}
		return ct, nil
	}
	if err := checkSVG(data); err != nil {
		return "", err
	}
	return "image/svg+xml", nil
}

// svgForbidden are elements that can run code or pull in other documents.
var svgForbidden = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "embed": true, "object": true,
	"handler": true, "listener": true, "audio": true, "video": true,
}

func checkSVG(data []byte) error {
	notImage := zhenxing.Errorf(zhenxing.EInvalid, "只能上传 JPEG、PNG、WebP 或 SVG 图片。")
	unsafe := func(what string) error {
		return zhenxing.Errorf(zhenxing.EInvalid, "SVG 图片含有不允许的内容(%s)，只接受纯图形。", what)
	}
	if !utf8.Valid(data) {
		return notImage
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	seenRoot := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return notImage
		}
		switch t := tok.(type) {
		case xml.Directive:
			return unsafe("DOCTYPE")
		case xml.ProcInst:
			if t.Target != "xml" {
				return unsafe("处理指令")
			}
		case xml.CharData:
			if !seenRoot && len(bytes.TrimSpace(t)) > 0 {
				return notImage
			}
			if hasExternalCSS(string(t)) {
				return unsafe("外部样式")
			}
		case xml.StartElement:
			if !seenRoot {
				if t.Name.Local != "svg" || t.Name.Space != "http://www.w3.org/2000/svg" {
					return notImage
				}
				seenRoot = true
			}
			if svgForbidden[strings.ToLower(t.Name.Local)] {
				return unsafe("<" + t.Name.Local + ">")
			}
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				v := strings.TrimSpace(a.Value)
				switch {
				case strings.HasPrefix(name, "on"):
					return unsafe(a.Name.Local + " 属性")
				case name == "href" || name == "src":
					if !strings.HasPrefix(v, "#") {
						return unsafe("外部链接")
					}
				case name == "style" && hasExternalCSS(v):
					return unsafe("外部样式")
				case strings.Contains(strings.ToLower(v), "javascript:"):
					return unsafe("脚本链接")
				}
			}
		}
	}
	if !seenRoot {
		return notImage
	}
	return nil
}

// hasExternalCSS reports whether CSS text may load something: an @import, or a url() that does not
// point inside the document.
func hasExternalCSS(css string) bool {
	c := strings.ToLower(css)
	if strings.Contains(c, "@import") {
		return true
	}
	for {
		i := strings.Index(c, "url(")
		if i < 0 {
			return false
		}
		c = strings.TrimLeft(c[i+4:], " \t\r\n'\"")
		if !strings.HasPrefix(c, "#") {
			return true
		}
	}
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
