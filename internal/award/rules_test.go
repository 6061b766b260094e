package award_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kejiju/internal/award"
	"kejiju/internal/calendar"
)

func TestVoteBoundaries(t *testing.T) {
	tests := []struct {
		present, members, yes int
		quorate, pass         bool
	}{
		{6, 9, 4, true, true},   // 6 of 9 is 2/3: quorate; 4 of 6 is 2/3: passes
		{6, 9, 3, true, false},  // 3 of 6 is half
		{5, 9, 5, false, false}, // 5 of 9 is below 2/3: no quorum, whatever the vote
		{10, 15, 7, true, true}, // §8 testable rule: ceil(2/3 × 10) = 7
		{10, 15, 6, true, false},
		{9, 15, 9, false, false}, // needs 10 present
		{9, 9, 6, true, true},
		{0, 9, 0, false, false},
	}
	for _, tt := range tests {
		if got := award.Quorate(tt.present, tt.members); got != tt.quorate {
			t.Errorf("Quorate(%d of %d) = %v", tt.present, tt.members, got)
		}
		if got := award.Passes(tt.present, tt.members, award.Tally{Level: 1, Yes: tt.yes}); got != tt.pass {
			t.Errorf("Passes(%d yes, %d of %d) = %v", tt.yes, tt.present, tt.members, got)
		}
	}
}

func TestAllocate(t *testing.T) {
	levels := []award.Level{{Rank: 1, Name: "一等奖", Quota: 1}, {Rank: 2, Name: "二等奖", Quota: 1}, {Rank: 3, Name: "三等奖", Quota: 1}}
	at := func(h int) time.Time { return time.Date(2026, 4, 1, h, 0, 0, 0, time.UTC) }
	v := func(level, yes int) award.Tally { return award.Tally{Level: level, Yes: yes} }
	// 9 members, 7 present: a level passes with 5 yes (5 × 3 ≥ 14).
	tests := []struct {
		name  string
		used  map[int]int
		cands []award.Candidate
		want  map[int64]int // id → level
		full  []int64
	}{
		{
			name: "higher share takes the first prize, the other falls to the second",
			cands: []award.Candidate{
				{ID: 1, SubmittedAt: at(1), Votes: []award.Tally{v(1, 6), v(2, 7)}},
				{ID: 2, SubmittedAt: at(2), Votes: []award.Tally{v(1, 7)}},
			},
			want: map[int64]int{1: 2, 2: 1},
		},
		{
			name: "ties go to the earlier nomination",
			cands: []award.Candidate{
				{ID: 1, SubmittedAt: at(3), Votes: []award.Tally{v(2, 6)}},
				{ID: 2, SubmittedAt: at(2), Votes: []award.Tally{v(2, 6)}},
			},
			want: map[int64]int{1: 0, 2: 2},
			full: []int64{1},
		},
		{
			name: "a failed vote gets nothing and is not full",
			cands: []award.Candidate{
				{ID: 1, SubmittedAt: at(1), Votes: []award.Tally{v(1, 4), v(3, 4)}},
			},
			want: map[int64]int{1: 0},
		},
		{
			name: "levels already held count against the quota",
			used: map[int]int{1: 1, 2: 1},
			cands: []award.Candidate{
				{ID: 1, SubmittedAt: at(1), Votes: []award.Tally{v(1, 7), v(2, 7), v(3, 7)}},
				{ID: 2, SubmittedAt: at(2), Votes: []award.Tally{v(1, 7), v(2, 7)}},
			},
			want: map[int64]int{1: 3, 2: 0},
			full: []int64{2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := award.Allocate(levels, tt.used, 7, 9, tt.cands)
			levelOf := map[int64]int{}
			var full []int64
			for _, a := range got {
				levelOf[a.ID] = a.Level
				if a.Full {
					full = append(full, a.ID)
				}
			}
			if diff := cmp.Diff(tt.want, levelOf); diff != "" {
				t.Errorf("levels (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.full, full); diff != "" {
				t.Errorf("full (-want +got):\n%s", diff)
			}
		})
	}
}

func TestObjectionEnd(t *testing.T) {
	cal := calendar.Default()
	tests := []struct{ announced, want string }{
		{"2026-06-01", "2026-07-01"}, // day 1 is 06-02; day 30 is a Wednesday
		{"2026-09-01", "2026-10-08"}, // day 30 is 10-01, National Day: the next working day
	}
	for _, tt := range tests {
		if got := award.ObjectionEnd(cal, calendar.MustParse(tt.announced), 30); got != calendar.MustParse(tt.want) {
			t.Errorf("ObjectionEnd(%s, 30) = %s, want %s", tt.announced, got, tt.want)
		}
	}
}

func TestCheckRound(t *testing.T) {
	in, err := award.CheckRound(award.RoundInput{Year: 2026, Title: "t", Opens: calendar.MustParse("2026-03-01"),
		Closes: calendar.MustParse("2026-04-30"), PanelSize: 9, Levels: []award.Level{{Rank: 1, Name: "一等奖", Quota: 1}}})
	if err != nil || in.ObjectionDays != award.DefaultObjectionDays {
		t.Fatalf("good round: %v %d", err, in.ObjectionDays)
	}
	_, err = award.CheckRound(award.RoundInput{Year: 1999, Closes: calendar.MustParse("2026-01-01"), Opens: calendar.MustParse("2026-02-01"),
		PanelSize: 2, Levels: []award.Level{{Rank: 2, Name: "二等奖"}}})
	want := map[string]string{"title": "error.required", "year": "award.round.bad_year", "closes": "award.round.closes_before_opens",
		"panel_size": "award.round.bad_panel_size", "levels": "award.round.bad_rank"}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("bad round (-want +got):\n%s", diff)
	}
}
