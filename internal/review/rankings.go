package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"kejiju/internal/audit"
	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/i18n"
)

// RankEntry is one closed panel to rank, with the area's tiebreak value
// (see Item.Tiebreak).
type RankEntry struct {
	PanelID  int64   `json:"panel_id"`
	Tiebreak float64 `json:"tiebreak,omitempty"`
}

// RankingInput is what staff give for a ranking snapshot.
type RankingInput struct {
	Title   string      `json:"title"`
	Entries []RankEntry `json:"entries"`
}

// RankedPanel is one line of a ranking: the ranked item (Key is
// "object_type:object_id") and the panel it comes from.
type RankedPanel struct {
	Ranked
	PanelID       int64  `json:"panel_id"`
	ObjectType    string `json:"object_type"`
	ObjectID      int64  `json:"object_id"`
	ApplicantName string `json:"applicant_name"`
	Experts       int    `json:"experts"`
	Disagreement  bool   `json:"disagreement"`
}

// Ranking is a snapshot of ranked panel results. Once published it never
// changes.
type Ranking struct {
	ID          int64         `json:"id"`
	RegionCode  string        `json:"region_code"`
	Title       string        `json:"title"`
	Items       []RankedPanel `json:"items"`
	Version     int           `json:"version"`
	CreatedBy   int64         `json:"created_by,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	PublishedAt time.Time     `json:"published_at,omitzero"`
	PublishedBy int64         `json:"published_by,omitempty"`
}

// Published reports whether the ranking is published (and so locked).
func (r *Ranking) Published() bool { return !r.PublishedAt.IsZero() }

// rankItems ranks the closed panels of entries, all in u's scope; the
// scores come from the panels' stored results, never from the caller.
func (s *Service) rankItems(ctx context.Context, tx *db.Tx, u *auth.User, entries []RankEntry) ([]RankedPanel, error) {
	var p i18n.Problems
	if len(entries) == 0 || len(entries) > 1000 {
		p.Add("ranking_panels", "review.ranking.entries", 1000)
		return nil, p
	}
	panels := map[string]*PanelRecord{}
	items := make([]Item, 0, len(entries))
	seen := map[int64]bool{}
	for _, e := range entries {
		if seen[e.PanelID] {
			p.Add("ranking_panels", "review.ranking.twice", e.PanelID)
			continue
		}
		seen[e.PanelID] = true
		pr, err := s.staffPanel(ctx, tx, u, e.PanelID)
		switch {
		case i18n.ErrorCode(err) == i18n.NotFound:
			p.Add("ranking_panels", "review.ranking.panel", e.PanelID)
			continue
		case err != nil:
			return nil, err
		case !pr.Closed() || pr.Result == nil:
			p.Add("ranking_panels", "review.ranking.open", e.PanelID)
			continue
		}
		key := pr.ObjectType + ":" + strconv.FormatInt(pr.ObjectID, 10)
		panels[key] = pr
		items = append(items, Item{Key: key, TrimmedMean: pr.Result.TrimmedMean, Mean: pr.Result.Mean, Tiebreak: e.Tiebreak})
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var out []RankedPanel
	for _, r := range Rank(items) {
		pr := panels[r.Key]
		out = append(out, RankedPanel{Ranked: r, PanelID: pr.ID, ObjectType: pr.ObjectType, ObjectID: pr.ObjectID,
			ApplicantName: pr.Applicant.Name, Experts: pr.Result.Experts, Disagreement: pr.Result.Disagreement})
	}
	return out, nil
}

// SaveRanking makes a ranking snapshot of closed panels (id 0) or remakes
// an unpublished one (id, with the version the editor saw). A published
// ranking is a conflict: it is locked.
func (s *Service) SaveRanking(ctx context.Context, u *auth.User, id int64, version int, in RankingInput) (*Ranking, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	in.Title = clean(in.Title)
	var p i18n.Problems
	if in.Title == "" {
		p.Add("ranking_title", "error.required")
	}
	tooLong(&p, "ranking_title", in.Title, 100)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var rk *Ranking
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var before *Ranking
		if id != 0 {
			var err error
			if before, err = s.getRanking(ctx, tx, u, id); err != nil {
				return err
			}
			if before.Published() {
				return i18n.E(i18n.Conflict, "review.ranking.published")
			}
			if before.Version != version {
				return i18n.E(i18n.Conflict, "review.stale", before.Version)
			}
		}
		items, err := s.rankItems(ctx, tx, u, in.Entries)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(items)
		rk = &Ranking{ID: id, RegionCode: u.RegionCode, Title: in.Title, Items: items, Version: 1, CreatedBy: u.ID, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		action := "review.ranking.create"
		if before == nil {
			if err := tx.QueryRowContext(ctx, `INSERT INTO rankings (region_code, title, items_json, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, rk.RegionCode, rk.Title, string(b), u.ID, tx.Now).Scan(&rk.ID); err != nil {
				return db.Normalize(err)
			}
		} else {
			action = "review.ranking.update"
			rk.RegionCode, rk.CreatedBy, rk.CreatedAt, rk.Version = before.RegionCode, before.CreatedBy, before.CreatedAt, before.Version+1
			res, err := tx.ExecContext(ctx, `UPDATE rankings SET title = $1, items_json = $2, version = version + 1, updated_at = $3
				WHERE id = $4 AND version = $5 AND published_at IS NULL`, rk.Title, string(b), tx.Now, id, version)
			if err != nil {
				return db.Normalize(err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return i18n.E(i18n.Conflict, "review.ranking.published")
			}
		}
		var prior any
		if before != nil {
			prior = before.Items
		}
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: action, ObjectType: "ranking", ObjectID: strconv.FormatInt(rk.ID, 10),
			RegionCode: rk.RegionCode, Before: audit.JSON(prior), After: string(b)})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rk, nil
}

// PublishRanking publishes a ranking, which locks it for good; publishing
// it again is a conflict.
func (s *Service) PublishRanking(ctx context.Context, u *auth.User, id int64) (*Ranking, error) {
	if err := s.mayManage(u); err != nil {
		return nil, err
	}
	var rk *Ranking
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if rk, err = s.getRanking(ctx, tx, u, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE rankings SET published_at = $1, published_by = $2, version = version + 1
			WHERE id = $3 AND published_at IS NULL`, tx.Now, u.ID, id)
		if err != nil {
			return db.Normalize(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return i18n.E(i18n.Conflict, "review.ranking.published")
		}
		rk.PublishedAt, rk.PublishedBy, rk.Version = tx.Now, u.ID, rk.Version+1
		_, err = s.Audit.Append(ctx, tx, audit.Event{Action: "review.ranking.publish", ObjectType: "ranking", ObjectID: strconv.FormatInt(id, 10),
			RegionCode: rk.RegionCode, After: audit.JSON(map[string]any{"title": rk.Title, "items": len(rk.Items)})})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rk, nil
}

// Ranking returns a ranking in u's scope; staff only.
func (s *Service) Ranking(ctx context.Context, u *auth.User, id int64) (*Ranking, error) {
	if err := s.mayRead(u); err != nil {
		return nil, err
	}
	return s.getRanking(ctx, s.DB, u, id)
}

func (s *Service) getRanking(ctx context.Context, q db.Querier, u *auth.User, id int64) (*Ranking, error) {
	w := &where{}
	w.add("r.id = ?", id)
	w.scope(u, "r.region_code")
	rk := &Ranking{}
	var items string
	var published sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT r.id, r.region_code, r.title, r.items_json, r.version, COALESCE(r.created_by, 0), r.created_at,
		r.updated_at, r.published_at, COALESCE(r.published_by, 0) FROM rankings r WHERE `+w.String(), w.args...).
		Scan(&rk.ID, &rk.RegionCode, &rk.Title, &items, &rk.Version, &rk.CreatedBy, &rk.CreatedAt, &rk.UpdatedAt, &published, &rk.PublishedBy)
	if db.IsNoRows(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, db.Normalize(err)
	}
	rk.CreatedAt, rk.UpdatedAt, rk.PublishedAt = rk.CreatedAt.UTC(), rk.UpdatedAt.UTC(), timeOf(published)
	if err := json.Unmarshal([]byte(items), &rk.Items); err != nil {
		return nil, i18n.Wrap(err, "review: ranking %d", id)
	}
	return rk, nil
}
