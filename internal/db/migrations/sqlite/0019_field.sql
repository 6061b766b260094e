-- Field work: events and trainings (活动与培训), and earthquake prevention
-- (防震减灾): the township assistant registry with its history, evacuation
-- drills and the publicity week's distribution of materials. Every row
-- carries its region (a township, or the district for district-wide
-- events) for the data scope.

-- One model for what the bureau organises or attends: trainings, study
-- sessions, conferences (科技大会), study tours, matchmaking days (对接会),
-- drills (演练) and publicity activities (宣传活动). domain says which line
-- of work it belongs to: quake trainings of the township assistants are
-- events of kind 'training' and domain 'quake' in the assistant's township.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('training', 'study', 'conference', 'tour', 'matchmaking', 'drill', 'publicity')),
    domain          TEXT NOT NULL DEFAULT 'general' CHECK (domain IN ('general', 'quake')),
    title           TEXT NOT NULL,
    event_date      TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    organiser       TEXT NOT NULL DEFAULT '',
    region_code     TEXT NOT NULL REFERENCES regions (code),
    planned         INTEGER NOT NULL DEFAULT 0 CHECK (planned >= 0),
    attended        INTEGER NOT NULL DEFAULT 0 CHECK (attended >= 0),
    duration_min    INTEGER NOT NULL DEFAULT 0 CHECK (duration_min >= 0),
    materials       TEXT NOT NULL DEFAULT '',
    materials_count INTEGER NOT NULL DEFAULT 0 CHECK (materials_count >= 0),
    outcome         TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX events_region_date ON events (region_code, event_date);
CREATE INDEX events_kind_date ON events (kind, event_date);

-- The sign-in sheet of an event: who came (the phone is optional).
CREATE TABLE event_attendees (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    name     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    phone    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, seq)
);

-- 防震减灾助理员: one current assistant per township or sub-district, with
-- the history of who held it. current_region is the township while the
-- assistant is current and NULL once ended_on is set; its unique index
-- refuses a second current assistant for a township on both engines
-- (NULLs never collide), and the service checks first to name the field.
CREATE TABLE quake_assistants (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    current_region TEXT,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    employer       TEXT NOT NULL DEFAULT '',
    position       TEXT NOT NULL DEFAULT '',
    appointed_on   TEXT NOT NULL,
    ended_on       TEXT,
    end_reason     TEXT NOT NULL DEFAULT '',
    successor_id   INTEGER REFERENCES quake_assistants (id),
    note           TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    CHECK (current_region IS NULL OR current_region = region_code),
    CHECK ((ended_on IS NULL AND current_region IS NOT NULL) OR (ended_on IS NOT NULL AND current_region IS NULL))
);
CREATE UNIQUE INDEX quake_assistants_current ON quake_assistants (current_region);
CREATE INDEX quake_assistants_region ON quake_assistants (region_code, appointed_on);

-- 应急疏散演练: where (a school, most often), when, how many took part, how
-- long it took and how it went. A drill dated after today is planned.
CREATE TABLE quake_drills (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    site_kind      TEXT NOT NULL DEFAULT 'school' CHECK (site_kind IN ('school', 'community', 'enterprise', 'other')),
    site           TEXT NOT NULL,
    drill_date     TEXT NOT NULL,
    scenario       TEXT NOT NULL DEFAULT '',
    participants   INTEGER NOT NULL CHECK (participants > 0),
    duration_min   INTEGER NOT NULL DEFAULT 0 CHECK (duration_min >= 0),
    evacuation_sec INTEGER NOT NULL DEFAULT 0 CHECK (evacuation_sec >= 0),
    rating         TEXT NOT NULL DEFAULT '' CHECK (rating IN ('', 'excellent', 'good', 'fair', 'poor')),
    evaluation     TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX quake_drills_region_date ON quake_drills (region_code, drill_date);

-- 防震减灾宣传周: which school or unit received which materials, how many.
CREATE TABLE quake_publicity (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL REFERENCES regions (code),
    recipient      TEXT NOT NULL,
    materials      TEXT NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    distributed_on TEXT NOT NULL,
    activity       TEXT NOT NULL DEFAULT '',
    created_by     INTEGER,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX quake_publicity_region_date ON quake_publicity (region_code, distributed_on);
