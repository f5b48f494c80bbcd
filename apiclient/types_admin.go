package apiclient

import "time"

// ---- administration: users, the working-day calendar, the expert pool ----

// UserQuery filters the user list.
type UserQuery struct {
	Paging
	Role Role   `query:"role" json:"-"`
	Q    string `query:"q" json:"-" doc:"用户名或姓名的一部分"`
}

// Account is a user as the administrator sees it.
type Account struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Email        string    `json:"email"`
	Role         Role      `json:"role"`
	RoleLabel    string    `json:"role_label"`
	DistrictCode string    `json:"district_code"`
	OrgID        *int64    `json:"org_id"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// AccountDetail is an account with its organisation and active sessions.
type AccountDetail struct {
	Account
	OrgName  string        `json:"org_name"`
	OrgUSCC  string        `json:"org_uscc"`
	Sessions []SessionInfo `json:"sessions" doc:"有效的网页会话"`
}

// SessionInfo describes an active session (never its secret).
type SessionInfo struct {
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// AccountInput creates an account.
type AccountInput struct {
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	Email        string `json:"email,omitempty"`
	Role         Role   `json:"role"`
	DistrictCode string `json:"district_code,omitempty" doc:"县区角色的辖区"`
	OrgUSCC      string `json:"org_uscc,omitempty" doc:"申报主体所属单位的统一社会信用代码"`
	Password     string `json:"password"`
}

// AccountUpdate replaces an account's details. Changing the role or
// jurisdiction, or disabling, ends its sessions and revokes its tokens.
type AccountUpdate struct {
	ID           int64  `path:"id" json:"-"`
	DisplayName  string `json:"display_name"`
	Email        string `json:"email"`
	Role         Role   `json:"role"`
	DistrictCode string `json:"district_code"`
	OrgUSCC      string `json:"org_uscc"`
	Disabled     bool   `json:"disabled"`
}

// PasswordInput resets an account's password.
type PasswordInput struct {
	ID       int64  `path:"id" json:"-"`
	Password string `json:"password"`
}

// RevokedSessions is how many sessions were ended.
type RevokedSessions struct {
	Revoked int64 `json:"revoked"`
}

// CalendarAdmin is the administrator's overrides of the working-day
// calendar and which years have the State Council's schedule.
type CalendarAdmin struct {
	Overrides []CalendarOverride `json:"overrides"`
	Years     []ScheduleYear     `json:"years" doc:"今年和明年"`
}

// CalendarOverride sets one date as a working day or a holiday.
type CalendarOverride struct {
	Date    string `json:"date" format:"date"`
	Working bool   `json:"working" doc:"true 调休上班；false 放假"`
	Name    string `json:"name"`
	Source  string `json:"source" doc:"依据，如国务院办公厅通知文号"`
}

// ScheduleYear says whether a year's schedule is on file.
type ScheduleYear struct {
	Year      int  `json:"year"`
	Scheduled bool `json:"scheduled"`
}

// CalendarOverrideInput sets a date.
type CalendarOverrideInput struct {
	Date    string `path:"date" json:"-" doc:"YYYY-MM-DD"`
	Working bool   `json:"working"`
	Name    string `json:"name,omitempty"`
	Source  string `json:"source"`
}

// CalendarDateRef names a date.
type CalendarDateRef struct {
	Date string `path:"date" json:"-" doc:"YYYY-MM-DD"`
}

// CalendarUpload is a CSV of a year's schedule (date,working,name,source).
type CalendarUpload struct {
	File *Upload `form:"file" json:"-" doc:"CSV，至多 1 MiB"`
}

// CalendarImportResult is how many dates an upload set.
type CalendarImportResult struct {
	Dates int `json:"dates"`
}

// ExpertInput puts an expert account into the pool or edits its profile.
type ExpertInput struct {
	Username    string `json:"username" doc:"专家账号的用户名"`
	Field       string `json:"field" doc:"专业领域"`
	Affiliation string `json:"affiliation" doc:"工作单位"`
	OrgUSCC     string `json:"org_uscc,omitempty" doc:"工作单位为系统内单位时的统一社会信用代码（用于利益冲突回避）"`
	Contact     string `json:"contact,omitempty"`
	Active      bool   `json:"active" doc:"在库，可被抽取"`
}
