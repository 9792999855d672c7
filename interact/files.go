package interact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"zhenxing"
)

// Files sent with a reply to a request: a scan of the document asked for, a letter of refusal.
// They are kept in PostgreSQL with the request, and the applicant downloads them with the
// tracking number and secret code.

// Limits on the files of one reply.
const (
	MaxReplyFiles    = 5
	MaxReplyFileSize = 5 << 20
)

// File is a file sent with a reply.
type File struct {
	Name string
	Data []byte
}

// FileInfo is a stored file, without its content.
type FileInfo struct {
	ID          int64
	Name        string
	ContentType string
	Size        int64
}

// fileTypes are the formats a reply may carry, by extension: the content type served, and the
// bytes the file must start with.
var fileTypes = map[string]struct {
	contentType string
	magic       string
}{
	".pdf":  {"application/pdf", "%PDF-"},
	".ofd":  {"application/ofd", "PK\x03\x04"},
	".jpg":  {"image/jpeg", "\xFF\xD8\xFF"},
	".jpeg": {"image/jpeg", "\xFF\xD8\xFF"},
	".png":  {"image/png", "\x89PNG\r\n\x1a\n"},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
	".zip":  {"application/zip", "PK\x03\x04"},
}

// FileFormats names the formats a reply may carry, for the form.
const FileFormats = "PDF、OFD、JPG、PNG、DOCX、XLSX、ZIP"

// checkFiles returns an EInvalid error naming the first file that cannot be sent: an unknown
// format, content that is not what its name says, an empty or oversized file, too many files.
func checkFiles(files []File) error {
	if len(files) > MaxReplyFiles {
		return zhenxing.Errorf(zhenxing.EInvalid, "一次答复最多附 %d 个文件（现有 %d 个）。", MaxReplyFiles, len(files))
	}
	for _, f := range files {
		name := fileName(f.Name)
		t, ok := fileTypes[strings.ToLower(path.Ext(name))]
		switch {
		case !ok:
			return zhenxing.Errorf(zhenxing.EInvalid, "附件“%s”的格式不能发送，请使用 %s 格式。", name, FileFormats)
		case len(f.Data) == 0:
			return zhenxing.Errorf(zhenxing.EInvalid, "附件“%s”是空文件。", name)
		case len(f.Data) > MaxReplyFileSize:
			return zhenxing.Errorf(zhenxing.EInvalid, "附件“%s”超过 %d MB。", name, MaxReplyFileSize>>20)
		case !bytes.HasPrefix(f.Data, []byte(t.magic)):
			return zhenxing.Errorf(zhenxing.EInvalid, "附件“%s”的内容与其扩展名不符。", name)
		case utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name):
			return zhenxing.Errorf(zhenxing.EInvalid, "附件的文件名不能超过 100 个字。")
		}
	}
	return nil
}

// fileName is an uploaded file's name without the folders a browser may send (Windows ones too).
func fileName(name string) string { return path.Base(strings.ReplaceAll(name, `\`, "/")) }

func storeFiles(ctx context.Context, tx pgx.Tx, requestID int64, files []File, now time.Time) error {
	for _, f := range files {
		name := fileName(f.Name)
		_, err := tx.Exec(ctx, `INSERT INTO disclosure_request_files (request_id, name, content_type, data, created_at)
			VALUES ($1, $2, $3, $4, $5)`, requestID, name, fileTypes[strings.ToLower(path.Ext(name))].contentType, f.Data, now)
		if err != nil {
			return fmt.Errorf("store reply file: %w", err)
		}
	}
	return nil
}

func (r *Requests) files(ctx context.Context, requestID int64) ([]FileInfo, error) {
	rows, err := r.pool.Query(ctx, `SELECT id, name, content_type, octet_length(data)::bigint FROM disclosure_request_files
		WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list reply files: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[FileInfo])
}

// StoredFile is a file with its content, to download.
type StoredFile struct {
	FileInfo
	Data []byte
}

// File returns a file of the reply to the request with the number, for whoever has its secret
// code. Errors: ENotFound for a wrong code, an unknown number or a file of another request.
func (r *Requests) File(ctx context.Context, number, secret string, id int64) (*StoredFile, error) {
	_, st, err := r.byCode(ctx, number, secret)
	if err != nil {
		return nil, err
	}
	return r.file(ctx, st.Number, id)
}

// StaffFile returns a file of the reply to the request with the number. Errors: ENotFound.
func (r *Requests) StaffFile(ctx context.Context, number string, id int64) (*StoredFile, error) {
	return r.file(ctx, number, id)
}

func (r *Requests) file(ctx context.Context, number string, id int64) (*StoredFile, error) {
	var f StoredFile
	err := r.pool.QueryRow(ctx, `SELECT f.id, f.name, f.content_type, octet_length(f.data)::bigint, f.data
		FROM disclosure_request_files f JOIN disclosure_requests q ON q.id = f.request_id
		WHERE q.number = $1 AND f.id = $2`, number, id).Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zhenxing.Errorf(zhenxing.ENotFound, "没有这个附件。")
	}
	if err != nil {
		return nil, fmt.Errorf("read reply file: %w", err)
	}
	return &f, nil
}
