package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of uploaded photos
	_ "image/png"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
	"zhenxing/internal/db"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

// Photo is one picture of a product, without its bytes (PhotoContent has them).
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

const photoColumns = `ph.id, ph.product_id, ph.position, ph.content_type, ph.size, ph.sha256, ph.alt, ph.created_at`

func scanPhoto(row pgx.Row, extra ...any) (*Photo, error) {
	var ph Photo
	dest := append([]any{&ph.ID, &ph.ProductID, &ph.Position, &ph.ContentType, &ph.Size, &ph.Hash, &ph.Alt, &ph.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &ph, nil
}

// ProductPhotos lists the product's photos, cover first; none is an empty list.
func (s *Store) ProductPhotos(ctx context.Context, productID int64) ([]Photo, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+photoColumns+` FROM product_photos ph
		WHERE ph.product_id = $1 ORDER BY ph.position`, productID)
	if err != nil {
		return nil, fmt.Errorf("list photos: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Photo, error) {
		ph, err := scanPhoto(row)
		if err != nil {
			return Photo{}, err
		}
		return *ph, nil
	})
}

// PhotoContent returns the bytes and content type of the photo with this hash (an extension
// after it, as in its URL, is ignored); an unknown or malformed hash is an ENotFound error. Serve
// it with "X-Content-Type-Options: nosniff" and, for SVG, a Content-Security-Policy that forbids
// scripts.
func (s *Store) PhotoContent(ctx context.Context, hash string) ([]byte, string, error) {
	hash, _, _ = strings.Cut(hash, ".")
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return nil, "", notFound("图片不存在。")
	}
	var data []byte
	var ct string
	err := s.pool.QueryRow(ctx, `SELECT data, content_type FROM product_photos WHERE sha256 = $1 LIMIT 1`, hash).Scan(&data, &ct)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", notFound("图片不存在。")
	}
	if err != nil {
		return nil, "", fmt.Errorf("load photo %s: %w", hash, err)
	}
	return data, ct, nil
}

// AddPhoto checks an uploaded photo with CheckUpload (JPEG, PNG or WebP, by content) and adds it
// as the product's last photo, recording the change. A product with MaxPhotos photos already is
// EInvalid; a missing one ENotFound.
func (s *Store) AddPhoto(ctx context.Context, actor db.Actor, slug string, data []byte, alt string) (*Photo, error) {
	ct, err := CheckUpload(data)
	if err != nil {
		return nil, err
	}
	alt = strings.TrimSpace(alt)
	if utf8.RuneCountInString(alt) > 100 {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "图片说明不能超过 100 个字。")
	}
	var ph *Photo
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := lockProductSlug(ctx, tx, slug)
		if err != nil {
			return err
		}
		ph, err = insertPhoto(ctx, tx, actor, p, ct, data, alt, "")
		return err
	})
	return ph, err
}

func insertPhoto(ctx context.Context, tx pgx.Tx, actor db.Actor, p *Product, contentType string, data []byte, alt, note string) (*Photo, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM product_photos WHERE product_id = $1`, p.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("count photos: %w", err)
	}
	if n >= MaxPhotos {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "每个商品最多 %d 张图片。", MaxPhotos)
	}
	ph, err := scanPhoto(tx.QueryRow(ctx, `INSERT INTO product_photos AS ph (product_id, position, content_type, size, sha256, alt, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+photoColumns,
		p.ID, n+1, contentType, len(data), sha256Hex(data), alt, data))
	if err != nil {
		return nil, fmt.Errorf("insert photo: %w", err)
	}
	return ph, db.RecordAudit(ctx, tx, actor, "product.photo.add", "product", p.Slug, nil, ph, note)
}

// DeletePhoto removes a photo and closes the gap in its product's order, recording the change.
// A missing photo is ENotFound.
func (s *Store) DeletePhoto(ctx context.Context, actor db.Actor, photoID int64) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := lockPhotoProduct(ctx, tx, photoID)
		if err != nil {
			return err
		}
		return deletePhoto(ctx, tx, actor, p, photoID, "")
	})
}

// lockPhotoProduct locks the product of a photo for a change of its photos; a missing photo is
// ENotFound.
func lockPhotoProduct(ctx context.Context, tx pgx.Tx, photoID int64) (*Product, error) {
	var productID int64
	err := tx.QueryRow(ctx, `SELECT product_id FROM product_photos WHERE id = $1`, photoID).Scan(&productID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("图片不存在。")
	}
	if err != nil {
		return nil, fmt.Errorf("find photo: %w", err)
	}
	return lockProduct(ctx, tx, productID)
}

func deletePhoto(ctx context.Context, tx pgx.Tx, actor db.Actor, p *Product, photoID int64, note string) error {
	ph, err := scanPhoto(tx.QueryRow(ctx, `DELETE FROM product_photos AS ph WHERE ph.id = $1 AND ph.product_id = $2
		RETURNING `+photoColumns, photoID, p.ID))
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("图片不存在。")
	}
	if err != nil {
		return fmt.Errorf("delete photo: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE product_photos SET position = position - 1 WHERE product_id = $1 AND position > $2`,
		p.ID, ph.Position); err != nil {
		return fmt.Errorf("renumber photos: %w", err)
	}
	return db.RecordAudit(ctx, tx, actor, "product.photo.delete", "product", p.Slug, ph, nil, note)
}

// MakeCover moves a photo to the first position, shifting the ones before it down, and records
// the change. A missing photo is ENotFound.
func (s *Store) MakeCover(ctx context.Context, actor db.Actor, photoID int64) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := lockPhotoProduct(ctx, tx, photoID)
		if err != nil {
			return err
		}
		var pos int
		if err := tx.QueryRow(ctx, `SELECT position FROM product_photos WHERE id = $1`, photoID).Scan(&pos); err != nil {
			return fmt.Errorf("find photo: %w", err)
		}
		if pos == 1 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE product_photos
			SET position = CASE WHEN id = $2 THEN 1 ELSE position + 1 END
			WHERE product_id = $1 AND position <= $3`, p.ID, photoID, pos); err != nil {
			return fmt.Errorf("reorder photos: %w", err)
		}
		return db.RecordAudit(ctx, tx, actor, "product.photo.cover", "product", p.Slug,
			map[string]int{"position": pos}, map[string]int{"position": 1}, fmt.Sprintf("图片 %d 设为封面", photoID))
	})
}
