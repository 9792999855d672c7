package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
	"zhenxing/internal/db"
)

// Photos is the store of the products' photos. The bytes live in PostgreSQL with their SHA-256,
// so that every replica serves every photo; photo.go checks what may be stored.
type Photos struct {
	db *catalogDB
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

// List returns the photos of the product with the ID, cover first; none (or an unknown product)
// is an empty list. It returns only database errors.
func (s *Photos) List(ctx context.Context, productID int64) ([]Photo, error) {
	return listPhotos(ctx, s.db.pool, productID)
}

func listPhotos(ctx context.Context, q querier, productID int64) ([]Photo, error) {
	rows, err := q.Query(ctx, `SELECT `+photoColumns+` FROM product_photos ph
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

// Content returns the bytes and content type of the photo with this hash (an extension after
// it, as in its URL, is ignored); an unknown or malformed hash is an ENotFound error. Serve it
// with "X-Content-Type-Options: nosniff" and, for SVG, a Content-Security-Policy that forbids
// scripts.
func (s *Photos) Content(ctx context.Context, hash string) ([]byte, string, error) {
	hash, _, _ = strings.Cut(hash, ".")
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return nil, "", notFound("图片不存在。")
	}
	var data []byte
	var ct string
	err := s.db.pool.QueryRow(ctx, `SELECT data, content_type FROM product_photos WHERE sha256 = $1 LIMIT 1`, hash).Scan(&data, &ct)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", notFound("图片不存在。")
	}
	if err != nil {
		return nil, "", fmt.Errorf("load photo %s: %w", hash, err)
	}
	return data, ct, nil
}

// Add checks a photo uploaded by staff with CheckUpload (JPEG, PNG or WebP, by content) and adds
// it as the last photo of the product with the slug, recording the change under actor. A photo
// that fails the check, a description (alt) over 100 characters and a product with MaxPhotos
// photos already are EInvalid; a missing product is ENotFound.
func (s *Photos) Add(ctx context.Context, actor db.Actor, slug string, data []byte, alt string) (*Photo, error) {
	ct, err := CheckUpload(data)
	if err != nil {
		return nil, err
	}
	alt = strings.TrimSpace(alt)
	if utf8.RuneCountInString(alt) > 100 {
		return nil, zhenxing.Errorf(zhenxing.EInvalid, "图片说明不能超过 100 个字。")
	}
	var ph *Photo
	err = s.db.write(ctx, func(tx pgx.Tx) error {
		p, err := findProduct(ctx, tx, "p.slug = $1 FOR UPDATE", slug)
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

// Delete removes the photo with the ID and closes the gap in its product's order, recording the
// change under actor. A missing photo is ENotFound.
func (s *Photos) Delete(ctx context.Context, actor db.Actor, photoID int64) error {
	return s.db.write(ctx, func(tx pgx.Tx) error {
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
	return findProduct(ctx, tx, "p.id = $1 FOR UPDATE", productID)
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

// MakeCover moves the photo with the ID to the first position, shifting the ones before it down,
// and records the change under actor. A photo that is the cover already changes nothing. A
// missing photo is ENotFound.
func (s *Photos) MakeCover(ctx context.Context, actor db.Actor, photoID int64) error {
	return s.db.write(ctx, func(tx pgx.Tx) error {
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
