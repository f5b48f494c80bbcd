package apiclient

import "time"

// ---- announcements, the measures, the calendar, search ----

// AnnouncementQuery filters announcements.
type AnnouncementQuery struct {
	Paging
	Kind string `query:"kind" json:"-" enum:",notice,result,policy" doc:"通知、结果公告、政策解读"`
}

// Announcement is a notice of 市工业和信息化局 (通知公告).
type Announcement struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Body        string     `json:"body"`
	Kind        string     `json:"kind" enum:"notice,result,policy"`
	KindLabel   string     `json:"kind_label"`
	State       string     `json:"state" enum:"draft,published,withdrawn"`
	CallID      *int64     `json:"call_id" doc:"所涉申报批次"`
	PublishedAt *time.Time `json:"published_at" doc:"首次发布时间"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// AnnouncementInput is a new or edited announcement.
type AnnouncementInput struct {
	Title   string `json:"title"`
	Body    string `json:"body"`
	Kind    string `json:"kind" enum:"notice,result,policy"`
	CallID  int64  `json:"call_id,omitempty"`
	Publish bool   `json:"publish,omitempty" doc:"立即发布；否则保存为草稿（已发布的改回草稿）"`
}

// AnnouncementUpdate edits an announcement.
type AnnouncementUpdate struct {
	ID int64 `path:"id" json:"-"`
	AnnouncementInput
}

// Measures is the text of the measures with how each article is implemented.
type Measures struct {
	Title    string            `json:"title"`
	Chapters []MeasuresChapter `json:"chapters"`
}

// MeasuresChapter is one chapter (章).
type MeasuresChapter struct {
	Title    string            `json:"title"`
	Articles []MeasuresArticle `json:"articles"`
}

// MeasuresArticle is one article (条) and its implementation.
type MeasuresArticle struct {
	Number     string            `json:"number" doc:"如 第七条"`
	Seq        int               `json:"seq"`
	Paragraphs []string          `json:"paragraphs"`
	Coverage   []ArticleCoverage `json:"coverage" doc:"本系统如何落实该条及其各项"`
}

// ArticleCoverage says how an article (or item) is implemented.
type ArticleCoverage struct {
	Article       string `json:"article"`
	Kind          string `json:"kind" enum:"rule,process,declaratory" doc:"规则判定、办理流程、声明性条款"`
	ImplementedBy string `json:"implemented_by"`
	Note          string `json:"note"`
}

// CalendarQuery selects a year of the working-day calendar.
type CalendarQuery struct {
	Year int `query:"year" json:"-" doc:"2000–2100"`
}

// CalendarDays are a year's non-working days with their reasons.
type CalendarDays struct {
	Year      int               `json:"year"`
	Off       map[string]string `json:"off" doc:"日期 YYYY-MM-DD → 原因（周末、节假日名称）"`
	Scheduled bool              `json:"scheduled" doc:"该年的国务院放假安排已录入"`
}

// SearchQuery is a search across what the caller may see.
type SearchQuery struct {
	Q string `query:"q" json:"-" doc:"申报编号、单位名称或统一社会信用代码（至多100字）"`
}

// SearchResult is what a search found within the caller's scope, 20 of each
// at most.
type SearchResult struct {
	Applications       []Application  `json:"applications"`
	ApplicationsTotal  int            `json:"applications_total"`
	Organizations      []Organization `json:"organizations" doc:"只对工作人员列出"`
	OrganizationsTotal int            `json:"organizations_total"`
	OrganizationsShown bool           `json:"organizations_shown"`
}

// ActivityQuery bounds the recent activity.
type ActivityQuery struct {
	Limit int `query:"limit" json:"-" doc:"条数，1–50（默认 8）"`
}

// ---- the expert review's opinion (评审意见书) ----

// Opinion is the panel's written opinion on an application.
type Opinion struct {
	Application      Application       `json:"application"`
	PanelID          int64             `json:"panel_id"`
	CallTitle        string            `json:"call_title"`
	Experts          []string          `json:"experts" doc:"评分的专家，顺序与 scores 一致"`
	Criteria         []OpinionRow      `json:"criteria"`
	Items            []OpinionItem     `json:"items" doc:"第七条（一）：各项支出的核定投入"`
	Conflicts        []OpinionConflict `json:"conflicts" doc:"回避的专家"`
	Comments         []string          `json:"comments" doc:"各专家的评审意见"`
	ResultHundredths int64             `json:"result_hundredths"`
	PassMark         int               `json:"pass_mark"`
	Passed           bool              `json:"passed"`
	ApprovedTotalFen int64             `json:"approved_total_fen"`
	Final            bool              `json:"final" doc:"已定稿；否则为按现有评分的预览"`
	Pending          string            `json:"pending" doc:"尚无结果的原因"`
	FinalisedAt      *time.Time        `json:"finalised_at"`
}

// OpinionRow is one criterion with each expert's score.
type OpinionRow struct {
	Criterion string `json:"criterion"`
	Weight    int    `json:"weight"`
	Scores    []int  `json:"scores" doc:"各专家的评分，顺序与 experts 一致；-1 为未评"`
}

// OpinionItem is a spending item with each expert's approved value and the
// panel's (the median).
type OpinionItem struct {
	Spending     Spending `json:"spending"`
	PerExpertFen []int64  `json:"per_expert_fen" doc:"各专家核定的投入，顺序与 experts 一致；-1 为未填"`
	ApprovedFen  int64    `json:"approved_fen"`
}

// OpinionConflict is an expert who declared a conflict.
type OpinionConflict struct {
	ExpertName string `json:"expert_name"`
	Reason     string `json:"reason"`
}
