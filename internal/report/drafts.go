package report

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// Drafts keeps each district's half-year summary draft: staff's wording
// over the generated sentences, and the lock that freezes the figures.
// The district is the reader's own region.
type Drafts struct {
	DB    *db.DB
	Audit *audit.Log
}

// Saved is a district's draft of a year.
type Saved struct {
	Year     int               `json:"year"`
	Texts    map[string]string `json:"texts"` // part key → wording; absent: the generated sentence
	Locked   bool              `json:"locked"`
	LockedAt time.Time         `json:"locked_at,omitzero"`
	LockedBy string            `json:"locked_by,omitempty"`
	Snapshot *Draft            `json:"snapshot,omitempty"` // the draft as locked
	Version  int64             `json:"version"`
}

const maxText = 2000

// MayEdit reports whether u words and locks the district's draft.
func MayEdit(u *auth.User) bool {
	return u != nil && u.MayWrite() == nil && u.Can(auth.PermReportEdit) && !u.IsEnterprise()
}

func mayEdit(u *auth.User) error {
	if !MayEdit(u) {
		return i18n.E(i18n.Forbidden, "error.forbidden")
	}
	return nil
}

// Get returns u's district's draft of year (a zero draft when none).
func (s *Drafts) Get(ctx context.Context, q db.Querier, u *auth.User, year int) (*Saved, error) {
	d := &Saved{Year: year, Texts: map[string]string{}}
	var texts, snap string
	var at *time.Time
	err := q.QueryRowContext(ctx, `SELECT texts, snapshot, locked_at, locked_by, version FROM report_drafts WHERE region_code = $1 AND year = $2`,
		u.RegionCode, year).Scan(&texts, &snap, &at, &d.LockedBy, &d.Version)
	if db.IsNoRows(err) {
		return d, nil
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	if err := json.Unmarshal([]byte(texts), &d.Texts); err != nil {
		return nil, i18n.Wrap(err, "draft texts")
	}
	if at != nil {
		d.Locked, d.LockedAt = true, *at
		d.Snapshot = &Draft{}
		if err := json.Unmarshal([]byte(snap), d.Snapshot); err != nil {
			return nil, i18n.Wrap(err, "draft snapshot")
		}
	}
	return d, nil
}

// Apply puts the saved wording over the generated draft's sentences.
func (d *Saved) Apply(dr *Draft) {
	for i := range dr.Paragraphs {
		if t := d.Texts[dr.Paragraphs[i].Key]; t != "" {
			dr.Paragraphs[i].Text, dr.Paragraphs[i].Edited = t, true
		}
	}
}

// change runs fn on u's district's draft row of year (created when
// missing), in one transaction with an audit event. version is the one the
// editor saw — 0 when there was no draft yet; any other is stale.
func (s *Drafts) change(ctx context.Context, u *auth.User, year int, version int64, action, reason string, fn func(tx *db.Tx, d *Saved) (map[string]any, error)) error {
	if err := mayEdit(u); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := s.Get(ctx, tx, u, year)
		if err != nil {
			return err
		}
		if version != d.Version {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		if d.Version == 0 {
			// A first save made at the same moment inserts nothing here
			// and loses the version check below.
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_drafts (region_code, year, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (region_code, year) DO NOTHING`, u.RegionCode, year, tx.Now); err != nil {
				return db.Normalize(err)
			}
			d.Version = 1 // the column's default
		}
		set, err := fn(tx, d)
		if err != nil {
			return err
		}
		cols, args := []string{}, []any{}
		for k, v := range set {
			args = append(args, v)
			cols = append(cols, k+" = $"+strconv.Itoa(len(args)))
		}
		args = append(args, tx.Now, u.RegionCode, year, d.Version)
		n := len(args)
		res, err := tx.ExecContext(ctx, `UPDATE report_drafts SET `+strings.Join(cols, ", ")+`, version = version + 1, updated_at = $`+strconv.Itoa(n-3)+
			` WHERE region_code = $`+strconv.Itoa(n-2)+` AND year = $`+strconv.Itoa(n-1)+` AND version = $`+strconv.Itoa(n), args...)
		if err != nil {
			return db.Normalize(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return i18n.E(i18n.Conflict, "error.conflict")
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: action, ObjectType: "report_draft", ObjectID: u.RegionCode + ":" + strconv.Itoa(year),
			RegionCode: u.RegionCode, Reason: reason})
		return err
	})
}

// SaveTexts keeps staff's wording of the parts (an empty text goes back
// to the generated sentence); a locked draft refuses it.
func (s *Drafts) SaveTexts(ctx context.Context, u *auth.User, year int, version int64, texts map[string]string) error {
	var p i18n.Problems
	clean := map[string]string{}
	for k, v := range texts {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) > maxText {
			p.Add("text_"+k, "error.too_long", maxText)
		}
		if v != "" {
			clean[k] = v
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.change(ctx, u, year, version, "report.draft.save", "", func(tx *db.Tx, d *Saved) (map[string]any, error) {
		if d.Locked {
			return nil, i18n.E(i18n.Conflict, "report.draft.locked")
		}
		b, _ := json.Marshal(clean)
		return map[string]any{"texts": string(b)}, nil
	})
}

// Lock freezes the draft as it reads now: its words, figures and plan are
// what the page and the documents show until it is unlocked.
func (s *Drafts) Lock(ctx context.Context, u *auth.User, version int64, dr Draft) error {
	return s.change(ctx, u, dr.Year, version, "report.draft.lock", "", func(tx *db.Tx, d *Saved) (map[string]any, error) {
		if d.Locked {
			return nil, i18n.E(i18n.Conflict, "report.draft.locked")
		}
		b, _ := json.Marshal(dr)
		return map[string]any{"snapshot": string(b), "locked_at": tx.Now, "locked_by": u.DisplayName}, nil
	})
}

// Unlock lets the figures follow the records again; the reason is kept in
// the audit log.
func (s *Drafts) Unlock(ctx context.Context, u *auth.User, year int, version int64, reason string) error {
	if reason = strings.TrimSpace(reason); reason == "" {
		return i18n.FieldError("reason", "error.required")
	}
	return s.change(ctx, u, year, version, "report.draft.unlock", reason, func(tx *db.Tx, d *Saved) (map[string]any, error) {
		if !d.Locked {
			return nil, i18n.E(i18n.Conflict, "report.draft.not_locked")
		}
		return map[string]any{"snapshot": "", "locked_at": nil, "locked_by": ""}, nil
	})
}
