package program

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
	"kejiju/internal/web"
)

// File is one uploaded attachment of an application, stored in the
// database (table attachments). Its bytes are read by Download only.
type File struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Slot          string    `json:"slot"`         // the key of the form's attachment
	Name          string    `json:"name"`         // sanitised display name
	ContentType   string    `json:"content_type"` // sniffed from the bytes
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	UploadedBy    int64     `json:"uploaded_by"`
	UploadedAt    time.Time `json:"uploaded_at"`
}

// SizeText shows the size in KB or MB, for display.
func (f *File) SizeText() string {
	if f.Size < 1<<20 {
		return strconv.FormatInt((f.Size+1023)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(f.Size)/(1<<20), 'f', 1, 64) + " MB"
}

// Limits bound the attachments of an application.
type Limits struct {
	MaxSize    int64 // bytes per file
	MaxPerSlot int   // files per attachment of the form
	MaxName    int   // characters of a stored name
	// MaxZipEntries and MaxZipUnpacked bound a DOCX/XLSX/PPTX (a zip) by
	// its central directory, before anyone unpacks it (ASVS 5.2.3).
	MaxZipEntries  int
	MaxZipUnpacked uint64
}

// DefaultLimits are the limits when Service.Limits is zero: 20 MB a file,
// 10 files an attachment, names of at most 100 characters.
var DefaultLimits = Limits{MaxSize: 20 << 20, MaxPerSlot: 10, MaxName: 100, MaxZipEntries: 10000, MaxZipUnpacked: 100 << 20}

func (s *Service) limits() Limits {
	l := s.Limits
	d := DefaultLimits
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxPerSlot <= 0 {
		l.MaxPerSlot = d.MaxPerSlot
	}
	if l.MaxName <= 0 {
		l.MaxName = d.MaxName
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxZipUnpacked == 0 {
		l.MaxZipUnpacked = d.MaxZipUnpacked
	}
	return l
}

// The content types an attachment may have, and the name extensions that
// go with each (the first is added to a name without one).
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

var extensions = map[string][]string{
	TypePDF:  {".pdf"},
	TypePNG:  {".png"},
	TypeJPEG: {".jpg", ".jpeg"},
	TypeDOCX: {".docx"},
	TypeXLSX: {".xlsx"},
	TypePPTX: {".pptx"},
}

// Sniff returns the content type of an attachment's bytes, or "" when the
// type is not allowed. Only the bytes decide, never the name or the
// client's claim: PDF, PNG, JPEG, and the OOXML documents (a zip with a
// [Content_Types].xml and the part folder of Word, Excel or PowerPoint,
// without macros, within the zip limits). Everything else — HTML, SVG,
// scripts, executables, plain zips, old binary Office files — is refused.
func Sniff(data []byte, l Limits) string {
	switch dt := http.DetectContentType(data); {
	case dt == TypePDF && bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF
	case dt == TypePNG && bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case dt == TypeJPEG && bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return TypeJPEG
	case dt == "application/zip" && bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOOXML(data, l)
	}
	return ""
}

// sniffOOXML reads the zip's central directory only (no entry is
// unpacked) and names the OOXML document it holds.
func sniffOOXML(data []byte, l Limits) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(zr.File) == 0 || len(zr.File) > l.MaxZipEntries {
		return ""
	}
	var unpacked uint64
	types, word, excel, ppt := false, false, false, false
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
		if unpacked > l.MaxZipUnpacked {
			return ""
		}
		name := strings.ToLower(f.Name)
		switch {
		case name == "[content_types].xml":
			types = true
		case strings.HasSuffix(name, "vbaproject.bin"):
			return "" // macros
		case strings.HasPrefix(name, "word/"):
			word = true
		case strings.HasPrefix(name, "xl/"):
			excel = true
		case strings.HasPrefix(name, "ppt/"):
			ppt = true
		}
	}
	switch {
	case !types:
		return ""
	case word && !excel && !ppt:
		return TypeDOCX
	case excel && !word && !ppt:
		return TypeXLSX
	case ppt && !word && !excel:
		return TypePPTX
	}
	return ""
}

// SanitizeName makes a client's file name safe to keep and show: the last
// element of any path (/ or \), without control and formatting characters
// (a right-to-left override hides an extension), without characters
// Windows refuses, with no run of dots, not starting with a dot, and at
// most maxLen characters with the extension kept. Chinese stays as it is. An
// empty result is "".
func SanitizeName(name string, maxLen int) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = b.String()
	for strings.Contains(name, "..") {
		name = strings.ReplaceAll(name, "..", ".")
	}
	name = strings.Trim(name, " .")
	if maxLen > 0 && utf8.RuneCountInString(name) > maxLen {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		base := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimRight(string(base[:max(0, maxLen-utf8.RuneCountInString(ext))]), " .") + ext
	}
	return name
}

// nameFor is the stored name of an upload: the sanitised name with the
// extension of the sniffed type (added when missing), or the slot's label
// when nothing is left. A name whose extension belongs to another type is
// refused: the bytes and the name must agree.
func nameFor(filename, label, ctype string, l Limits, field string) (string, error) {
	exts := extensions[ctype]
	name := SanitizeName(filename, l.MaxName-len(exts[0]))
	ext := strings.ToLower(path.Ext(name))
	if name == "" || name == ext {
		return SanitizeName(label, l.MaxName-len(exts[0])) + exts[0], nil
	}
	for _, e := range exts {
		if ext == e {
			return name, nil
		}
	}
	for _, es := range extensions {
		for _, e := range es {
			if ext == e {
				return "", i18n.FieldError(field, "program.attachment.ext_mismatch", ext, exts[0])
			}
		}
	}
	if isDangerousExt(ext) {
		return "", i18n.FieldError(field, "program.attachment.ext_mismatch", ext, exts[0])
	}
	return name + exts[0], nil
}

// isDangerousExt reports extensions a desktop would run or render, which a
// name must not end in even when followed by the right one.
func isDangerousExt(ext string) bool {
	switch ext {
	case ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".ps1", ".sh",
		".html", ".htm", ".xhtml", ".svg", ".hta", ".lnk", ".jar", ".dll", ".apk", ".docm", ".xlsm", ".pptm":
		return true
	}
	return false
}

// attachmentField is the form field the errors of an attachment name.
func attachmentField(slot string) string { return "attachment_" + slot }

// slotOf returns the form's attachment with key slot.
func slotOf(c *Call, slot string) (Attachment, bool) {
	for _, a := range c.Form.Attachments {
		if a.Key == slot {
			return a, true
		}
	}
	return Attachment{}, false
}

// appCall reads the call of application a for u; an enterprise user still
// reaches it after the call was withdrawn to draft.
func (s *Service) appCall(ctx context.Context, q db.Querier, u *auth.User, a *Application) (*Call, error) {
	c, err := s.getCall(ctx, q, u, a.CallID)
	if i18n.ErrorCode(err) == i18n.NotFound {
		c, err = s.callByID(ctx, q, a.CallID)
	}
	return c, err
}

// mayEditFiles refuses unless u is a's owner and a's state lets the
// applicant change its attachments (draft, returned).
func mayEditFiles(u *auth.User, a *Application) error {
	if !owner(u, a) || !Machine.CanEdit(u, true, a.State, "attachments") {
		return i18n.E(i18n.Conflict, "program.application.not_editable")
	}
	return nil
}

// Upload stores a file read from r as an attachment of the application in
// slot (a key of the call form's attachments), for u, the applying
// enterprise's user, while the application is editable (draft, returned).
// The bytes decide the type (see Sniff); the name is sanitised (see
// SanitizeName). A file too large, of a refused type, with a name that
// contradicts its type, in an unknown slot or beyond the slot's count is a
// field error on attachment_<slot>, and nothing is written. The row and
// the audit event (name, size, digest — never the content) are one
// transaction.
func (s *Service) Upload(ctx context.Context, u *auth.User, applicationID int64, slot, filename string, r io.Reader) (*File, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	l := s.limits()
	field := attachmentField(slot)
	if !keyRE.MatchString(slot) {
		return nil, i18n.FieldError("slot", "program.attachment.unknown_slot")
	}
	// The checks that need no data first: scope, state, slot.
	a, err := s.getApp(ctx, s.DB, u, applicationID)
	if err != nil {
		return nil, err
	}
	if err := mayEditFiles(u, a); err != nil {
		return nil, err
	}
	c, err := s.appCall(ctx, s.DB, u, a)
	if err != nil {
		return nil, err
	}
	spec, ok := slotOf(c, slot)
	if !ok {
		return nil, i18n.FieldError("slot", "program.attachment.unknown_slot")
	}
	data, err := io.ReadAll(io.LimitReader(r, l.MaxSize+1))
	if err != nil {
		return nil, i18n.FieldError(field, "program.attachment.unreadable", spec.Label)
	}
	if int64(len(data)) > l.MaxSize {
		return nil, i18n.FieldError(field, "program.attachment.too_large", spec.Label, l.MaxSize>>20)
	}
	if len(data) == 0 {
		return nil, i18n.FieldError(field, "program.attachment.empty", spec.Label)
	}
	ctype := Sniff(data, l)
	if ctype == "" {
		return nil, i18n.FieldError(field, "program.attachment.bad_type", spec.Label)
	}
	name, err := nameFor(filename, spec.Label, ctype, l, field)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	f := &File{ApplicationID: a.ID, Slot: slot, Name: name, ContentType: ctype, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: u.ID}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		cur, err := s.getApp(ctx, tx, u, applicationID)
		if err != nil {
			return err
		}
		if err := mayEditFiles(u, cur); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE application_id = $1 AND slot = $2 AND deleted_at IS NULL`,
			cur.ID, slot).Scan(&n); err != nil {
			return db.Normalize(err)
		}
		if n >= l.MaxPerSlot {
			return i18n.FieldError(field, "program.attachment.too_many", spec.Label, l.MaxPerSlot)
		}
		f.UploadedAt = tx.Now.UTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (application_id, slot, name, content_type, size, sha256, data,
			uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			f.ApplicationID, f.Slot, f.Name, f.ContentType, f.Size, f.SHA256, data, f.UploadedBy, f.UploadedAt).Scan(&f.ID); err != nil {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET version = version + 1, updated_at = $1 WHERE id = $2`,
			tx.Now, cur.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.attachment.upload", ObjectType: objectType,
			ObjectID: strconv.FormatInt(cur.ID, 10), RegionCode: cur.RegionCode, After: audit.JSON(fileAudit(f))})
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// fileAudit is what the audit log keeps of an attachment: never its bytes.
func fileAudit(f *File) map[string]any {
	return map[string]any{"attachment_id": f.ID, "slot": f.Slot, "name": f.Name, "content_type": f.ContentType,
		"size": f.Size, "sha256": f.SHA256}
}

const fileColumns = `f.id, f.application_id, f.slot, f.name, f.content_type, f.size, f.sha256, f.uploaded_by, f.uploaded_at`

func scanFile(sc interface{ Scan(...any) error }, extra ...any) (*File, error) {
	f := &File{}
	if err := sc.Scan(append([]any{&f.ID, &f.ApplicationID, &f.Slot, &f.Name, &f.ContentType, &f.Size, &f.SHA256,
		&f.UploadedBy, &f.UploadedAt}, extra...)...); err != nil {
		return nil, err
	}
	f.UploadedAt = f.UploadedAt.UTC()
	return f, nil
}

// files returns the attachments (not deleted) of an application, by slot
// and upload order.
func files(ctx context.Context, q db.Querier, applicationID int64) ([]*File, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+fileColumns+` FROM attachments f WHERE f.application_id = $1 AND f.deleted_at IS NULL
		ORDER BY f.slot, f.id`, applicationID)
	if err != nil {
		return nil, db.Normalize(err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*File, error) { return scanFile(sc) })
}

// fileNames returns the names of the attachments (not deleted) of the
// applications with ids, application → slot → names.
func fileNames(ctx context.Context, q db.Querier, ids []int64) (map[int64]map[string][]string, error) {
	out := map[int64]map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	rows, err := q.QueryContext(ctx, `SELECT application_id, slot, name FROM attachments WHERE deleted_at IS NULL
		AND application_id IN (`+strings.Join(marks, ", ")+`) ORDER BY application_id, slot, id`, args...)
	if err != nil {
		return nil, db.Normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var slot, name string
		if err := rows.Scan(&id, &slot, &name); err != nil {
			return nil, db.Normalize(err)
		}
		if out[id] == nil {
			out[id] = map[string][]string{}
		}
		out[id][slot] = append(out[id][slot], name)
	}
	return out, db.Normalize(rows.Err())
}

// Attachments returns the attachments of an application u may see (the
// same scope as Application), by slot and upload order, without bytes.
func (s *Service) Attachments(ctx context.Context, u *auth.User, applicationID int64) ([]*File, error) {
	a, err := s.getApp(ctx, s.DB, u, applicationID)
	if err != nil {
		return nil, err
	}
	return files(ctx, s.DB, a.ID)
}

// fileApp finds the application of a (not deleted) attachment and reads
// it through u's scope: an attachment u may not see is NotFound, exactly
// like one that does not exist.
func (s *Service) fileApp(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Application, error) {
	var appID int64
	err := q.QueryRowContext(ctx, `SELECT application_id FROM attachments WHERE id = $1 AND deleted_at IS NULL`, id).Scan(&appID)
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	return s.getApp(ctx, q, u, appID)
}

// Download returns an attachment with its bytes for whoever may see its
// application — staff in scope, the applying enterprise's users, an
// expert with an accepted, declared seat on its panel; anyone else gets
// NotFound. Each download is an audit event.
func (s *Service) Download(ctx context.Context, u *auth.User, id int64) (*File, []byte, error) {
	var f *File
	var data []byte
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.fileApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		f, err = scanFile(tx.QueryRowContext(ctx, `SELECT `+fileColumns+`, f.data FROM attachments f WHERE f.id = $1`, id), &data)
		if err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.attachment.download", ObjectType: objectType,
			ObjectID: strconv.FormatInt(a.ID, 10), RegionCode: a.RegionCode, After: audit.JSON(fileAudit(f))})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return f, data, nil
}

// DeleteAttachment deletes an attachment for u, the applying enterprise's
// user, while the application is editable. The row and its bytes stay,
// marked deleted; the audit event names what went.
func (s *Service) DeleteAttachment(ctx context.Context, u *auth.User, id int64) (*File, error) {
	if err := mayApply(u); err != nil {
		return nil, err
	}
	var f *File
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := s.fileApp(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if err := mayEditFiles(u, a); err != nil {
			return err
		}
		if f, err = scanFile(tx.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM attachments f WHERE f.id = $1`, id)); err != nil {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attachments SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL`, tx.Now, id); err != nil {
			return db.Normalize(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE program_applications SET version = version + 1, updated_at = $1 WHERE id = $2`,
			tx.Now, a.ID); err != nil {
			return db.Normalize(err)
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "program.attachment.delete", ObjectType: objectType,
			ObjectID: strconv.FormatInt(a.ID, 10), RegionCode: a.RegionCode, Before: audit.JSON(fileAudit(f))})
		return err
	})
	return f, err
}

// ContentDisposition is the header value that makes a browser save an
// attachment under name: an ASCII fallback and the RFC 5987 filename*.
func ContentDisposition(name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%' && r != ';' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteRune('_')
		}
	}
	const attr = "!#$&+-.^_`|~"
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0) {
			ext.WriteByte(c)
		} else {
			ext.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// --- Pages ---

// multipartOverhead is what a multipart body may carry beyond the file:
// the slot field, boundaries and part headers.
const multipartOverhead = 64 << 10

// uploadAttachment takes a multipart form with the field slot and then
// the part file, bounded by http.MaxBytesReader at the file limit plus
// the form's overhead. The parts are read as a stream (no
// ParseMultipartForm): the file goes straight to Upload, so no temporary
// file is ever written. A refused file re-renders the application page
// with the error next to its attachment.
func (h *Handlers) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	u := web.UserFrom(r.Context())
	l := h.Service.limits()
	r.Body = http.MaxBytesReader(w, r.Body, l.MaxSize+multipartOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return i18n.E(i18n.Invalid, "error.invalid_form")
	}
	slot, uploaded := "", false
	for !uploaded && err == nil {
		var p *multipart.Part
		if p, err = mr.NextPart(); err != nil {
			break
		}
		switch p.FormName() {
		case "slot":
			b, rerr := io.ReadAll(io.LimitReader(p, 100))
			slot, err = strings.TrimSpace(string(b)), rerr
		case "file":
			if slot == "" {
				err = i18n.FieldError("slot", "program.attachment.unknown_slot")
				break
			}
			_, err = h.Service.Upload(r.Context(), u, id, slot, p.FileName(), p)
			uploaded = err == nil
		}
		p.Close()
	}
	switch {
	case uploaded:
		return h.Web.Redirect(w, r, "/applications/"+idOf(id), "program.attachment.uploaded")
	case err == io.EOF:
		err = i18n.FieldError(attachmentField(slot), "program.attachment.no_file")
	case i18n.ErrorCode(err) == i18n.Internal:
		// A broken or oversized body (*http.MaxBytesError): the client's
		// fault, not ours.
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			err = i18n.FieldError(attachmentField(slot), "program.attachment.too_large", slot, l.MaxSize>>20)
		} else {
			err = i18n.E(i18n.Invalid, "error.invalid_form")
		}
	}
	if i18n.ErrorCode(err) != i18n.Invalid {
		return err
	}
	d, derr := h.appPage(r, id)
	if derr != nil {
		return derr
	}
	return h.Web.RenderForm(w, r, "program/application.html", "nav.applications", d, err, appsCrumb, web.Crumb{Key: "nav.applications"})
}

// downloadAttachment sends a file as a download: its sniffed type, no
// sniffing by the browser, a sandboxing CSP, and the name as RFC 5987
// filename*.
func (h *Handlers) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f, data, err := h.Service.Download(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Disposition", ContentDisposition(f.Name))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	return nil
}

func (h *Handlers) deleteAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.IntParam(r, "id")
	if err != nil {
		return err
	}
	f, err := h.Service.DeleteAttachment(r.Context(), web.UserFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.Web.Redirect(w, r, "/applications/"+idOf(f.ApplicationID), "program.attachment.deleted")
}
