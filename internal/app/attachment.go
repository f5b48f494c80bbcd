package app

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"dtfund"
	"dtfund/internal/store"
)

// Attachments (申报材料): files are checked by their bytes, not by the name
// or the browser's claim, and stored once per content under
// <FilesDir>/attachments/ab/cdef… (the SHA-256 in hex, split after two
// characters so no directory grows huge). The bytes are written (temp file,
// fsync, rename) before the database rows; a failed transaction leaves at
// most an unreferenced file, never a row without its bytes.

// MaxAttachmentSize is the largest file accepted (20 MiB).
const MaxAttachmentSize = 20 << 20

// MaxAttachments bounds the files of one application, so that the list
// needs no paging.
const MaxAttachments = 50

// OtherMaterial is the kind of a file that answers none of the call's
// listed materials.
const OtherMaterial = materialOtherKind

const attachmentNameRunes = 100

// attachmentType is one accepted type: its stored content type, a name for
// messages and the file name extensions that may carry it.
type attachmentType struct {
	contentType string
	label       string
	exts        []string
}

var (
	attTypePDF  = attachmentType{"application/pdf", "PDF 文件", []string{".pdf"}}
	attTypePNG  = attachmentType{"image/png", "PNG 图片", []string{".png"}}
	attTypeJPEG = attachmentType{"image/jpeg", "JPEG 图片", []string{".jpg", ".jpeg"}}
	attTypeDOCX = attachmentType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档（.docx）", []string{".docx"}}
	attTypeXLSX = attachmentType{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格（.xlsx）", []string{".xlsx"}}
	attTypeDOC  = attachmentType{"application/msword", "Word 97-2003 文档（.doc）", []string{".doc"}}
	attTypeXLS  = attachmentType{"application/vnd.ms-excel", "Excel 97-2003 表格（.xls）", []string{".xls"}}
	// attTypeOLE2 is legacy Office under a name that says neither .doc nor
	// .xls: always refused by the extension check, with this label.
	attTypeOLE2 = attachmentType{"", "Word 或 Excel 97-2003 文件", []string{".doc", ".xls"}}
)

var (
	attMagicPDF  = []byte("%PDF-")
	attMagicPNG  = []byte("\x89PNG\r\n\x1a\n")
	attMagicJPEG = []byte{0xFF, 0xD8, 0xFF}
	attMagicZIP  = []byte("PK\x03\x04")
	attMagicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

const attAcceptedTypes = "PDF、PNG、JPEG、Word（.docx/.doc）、Excel（.xlsx/.xls）"

// DetectFileType decides a file's type from its content and checks that the
// name's extension agrees: a file named .pdf whose bytes are not a PDF is
// refused. It returns the content type to store.
func DetectFileType(f io.ReaderAt, size int64, name string) (string, error) {
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(name))
	t, err := sniffAttachment(f, size, head, ext)
	if err != nil {
		return "", err
	}
	if !slices.Contains(t.exts, ext) {
		return "", dtfund.FieldError("file", "文件名“%s”的后缀与内容不符：文件内容是%s，应以 %s 结尾；请检查是否选错了文件",
			name, t.label, strings.Join(t.exts, " 或 "))
	}
	return t.contentType, nil
}

// sniffAttachment classifies the bytes: http.DetectContentType first, then the magic
// numbers it does not know (OLE2) and the inside of ZIP files (Office Open
// XML carries [Content_Types].xml).
func sniffAttachment(f io.ReaderAt, size int64, head []byte, ext string) (attachmentType, error) {
	ct := http.DetectContentType(head)
	switch {
	case ct == "application/pdf" && bytes.HasPrefix(head, attMagicPDF):
		return attTypePDF, nil
	case ct == "image/png" && bytes.HasPrefix(head, attMagicPNG):
		return attTypePNG, nil
	case ct == "image/jpeg" && bytes.HasPrefix(head, attMagicJPEG):
		return attTypeJPEG, nil
	case ct == "application/zip" && bytes.HasPrefix(head, attMagicZIP):
		return sniffAttachmentOOXML(f, size)
	case bytes.HasPrefix(head, attMagicOLE2):
		// Legacy Word and Excel share the OLE2 container; telling them apart
		// means parsing it, so the extension chooses between the two.
		switch ext {
		case ".xls":
			return attTypeXLS, nil
		case ".doc":
			return attTypeDOC, nil
		}
		return attTypeOLE2, nil
	}
	return attachmentType{}, dtfund.FieldError("file", "文件内容不是可接受的类型（%s）", attAcceptedTypes)
}

func sniffAttachmentOOXML(f io.ReaderAt, size int64) (attachmentType, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return attachmentType{}, dtfund.FieldError("file", "文件是损坏的压缩包，无法识别")
	}
	var hasTypes, word, excel bool
	for _, zf := range zr.File {
		hasTypes = hasTypes || zf.Name == "[Content_Types].xml"
		word = word || strings.HasPrefix(zf.Name, "word/")
		excel = excel || strings.HasPrefix(zf.Name, "xl/")
	}
	switch {
	case hasTypes && word:
		return attTypeDOCX, nil
	case hasTypes && excel:
		return attTypeXLSX, nil
	}
	return attachmentType{}, dtfund.FieldError("file", "压缩包不是 Word 或 Excel 文件；请上传 %s", attAcceptedTypes)
}

// cleanFileName keeps the base name a browser sent, without path or control
// characters, at most 100 characters (the extension kept).
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name))
	if r := []rune(name); len(r) > attachmentNameRunes {
		ext := []rune(filepath.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:attachmentNameRunes-len(ext)]) + string(ext)
	}
	return name
}

// blobPath is where the bytes with this SHA-256 live.
func (a *App) blobPath(sum string) string {
	return filepath.Join(a.FilesDir, "attachments", sum[:2], sum[2:])
}

// storeBlob copies r into the content store and returns its SHA-256, size
// and checked content type. Bytes already stored are not written again.
func (a *App) storeBlob(r io.Reader, name string) (sum string, size int64, contentType string, err error) {
	if a.FilesDir == "" {
		return "", 0, "", errors.New("attachments: FilesDir is not set")
	}
	tmpDir := filepath.Join(a.FilesDir, "attachments", "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return "", 0, "", err
	}
	tmp, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(tmp.Name()) // gone already after the rename
	defer tmp.Close()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, MaxAttachmentSize+1))
	switch {
	case err != nil:
		return "", 0, "", err
	case size > MaxAttachmentSize:
		return "", 0, "", dtfund.FieldError("file", "文件超过 %d MiB 上限", MaxAttachmentSize>>20)
	case size == 0:
		return "", 0, "", dtfund.FieldError("file", "文件为空")
	}
	if contentType, err = DetectFileType(tmp, size, name); err != nil {
		return "", 0, "", err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	return sum, size, contentType, a.commitBlob(tmp, sum)
}

// commitBlob makes the temp file durable and renames it to its content
// address, unless those bytes are stored already.
func (a *App) commitBlob(tmp *os.File, sum string) error {
	final := a.blobPath(sum)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil { // make the rename itself durable
		d.Sync()
		d.Close()
	}
	return nil
}

// AddAttachment uploads a file to an editable application of the actor's
// organisation. kind must be one of the call's materials or 其他.
func (a *App) AddAttachment(ctx context.Context, actor Actor, appID int64, kind, name string, r io.Reader) (*store.Attachment, error) {
	_, call, err := a.editableApp(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	if kind != OtherMaterial && !slices.Contains(call.Materials, kind) {
		return nil, dtfund.FieldError("kind", "请选择附件对应的申报材料")
	}
	if name = cleanFileName(name); name == "" {
		return nil, dtfund.FieldError("file", "请选择要上传的文件")
	}
	sum, size, ct, err := a.storeBlob(r, name)
	if err != nil {
		return nil, err
	}
	at := &store.Attachment{ApplicationID: appID, SHA256: sum, Size: size, ContentType: ct, Name: name, Kind: kind,
		UploadedBy: actor.User.ID}
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockEditableApp(ctx, tx, actor, appID); err != nil {
			return err
		}
		current, err := tx.Attachments(ctx, appID)
		if err != nil {
			return err
		}
		if len(current) >= MaxAttachments {
			return dtfund.FieldError("file", "每份申报最多上传 %d 个附件", MaxAttachments)
		}
		if err := tx.AddAttachment(ctx, at); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("application.attachment.add", "application", itoa(appID)), nil, at)
	})
	if err != nil {
		return nil, err
	}
	return at, nil
}

// lockEditableApp re-reads the application inside tx and refuses unless it
// belongs to the actor's organisation and may still be edited.
func lockEditableApp(ctx context.Context, tx *store.Tx, actor Actor, appID int64) error {
	app, err := tx.Application(ctx, appID)
	if err != nil {
		return err
	}
	if app.OrgID != actor.User.OrgID {
		return dtfund.Errorf(dtfund.ENOTFOUND, "申报不存在")
	}
	if !app.Editable() {
		return notEditableErr(app)
	}
	return nil
}

// DeleteAttachment removes a file from an editable application. The bytes
// and the row stay (see store.DeleteAttachment).
func (a *App) DeleteAttachment(ctx context.Context, actor Actor, appID, id int64) error {
	if _, _, err := a.editableApp(ctx, actor, appID); err != nil {
		return err
	}
	return a.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockEditableApp(ctx, tx, actor, appID); err != nil {
			return err
		}
		if err := tx.DeleteAttachment(ctx, appID, id, actor.User.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.audit("application.attachment.delete", "application", itoa(appID)),
			map[string]any{"attachment": id}, nil)
	})
}

// Attachments lists the current files of an application the actor may see.
func (a *App) Attachments(ctx context.Context, actor Actor, appID int64) ([]*store.Attachment, error) {
	if _, err := a.Application(ctx, actor, appID); err != nil {
		return nil, err
	}
	return a.DB.Attachments(ctx, appID)
}

// OpenAttachment opens a file of an application the actor may see; the
// caller closes it.
func (a *App) OpenAttachment(ctx context.Context, actor Actor, appID, id int64) (*store.Attachment, *os.File, error) {
	if _, err := a.Application(ctx, actor, appID); err != nil {
		return nil, nil, err
	}
	at, err := a.DB.Attachment(ctx, appID, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(a.blobPath(at.SHA256))
	if err != nil {
		return nil, nil, fmt.Errorf("attachment %d of application %d: %w", id, appID, err)
	}
	return at, f, nil
}
