package apiclient

import "time"

// ---- providers, products, adoptions and rankings (第七条（二）–（五）) ----

// CatalogueQuery filters the public catalogue.
type CatalogueQuery struct {
	Paging
	Kind     string `query:"kind" json:"-" enum:",product,solution,cloud_service"`
	Property string `query:"property" json:"-" enum:",small,fast,light,precise" doc:"小、快、轻、准"`
	Scenario string `query:"scenario" json:"-" doc:"业务场景名称的一部分"`
	Q        string `query:"q" json:"-" doc:"产品或服务商名称的一部分"`
}

// Product is a product, solution or cloud service of a provider.
type Product struct {
	ID            int64     `json:"id"`
	ProviderOrgID int64     `json:"provider_org_id"`
	ProviderName  string    `json:"provider_name"`
	ProviderUSCC  string    `json:"provider_uscc"`
	Kind          string    `json:"kind" enum:"product,solution,cloud_service"`
	KindLabel     string    `json:"kind_label"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Scenarios     []string  `json:"scenarios" doc:"服务的业务场景"`
	Properties    []string  `json:"properties" enum:"small,fast,light,precise" doc:"“小快轻准”特性"`
	PriceFen      int64     `json:"price_fen" doc:"参考价格"`
	State         string    `json:"state" enum:"active,withdrawn"`
	Adopters      int       `json:"adopters" doc:"已确认应用的企业数"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// CatalogueProduct is an offered product with its provider's profile.
type CatalogueProduct struct {
	Product
	Provider ProviderProfile `json:"provider"`
}

// ProviderProfile is a provider's public profile.
type ProviderProfile struct {
	OrgID          int64      `json:"org_id"`
	OrgName        string     `json:"org_name"`
	ServiceScope   string     `json:"service_scope" doc:"服务范围"`
	Qualifications string     `json:"qualifications" doc:"资质"`
	Website        string     `json:"website"`
	ContactEmail   string     `json:"contact_email"`
	UpdatedAt      *time.Time `json:"updated_at" doc:"尚未填写为 null"`
}

// ProviderProfileInput is the provider's profile form.
type ProviderProfileInput struct {
	ServiceScope   string `json:"service_scope"`
	Qualifications string `json:"qualifications,omitempty"`
	Website        string `json:"website,omitempty"`
	ContactEmail   string `json:"contact_email,omitempty"`
}

// ProductInput is a new or edited product.
type ProductInput struct {
	Kind        string   `json:"kind" enum:"product,solution,cloud_service"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Scenarios   []string `json:"scenarios"`
	Properties  []string `json:"properties" enum:"small,fast,light,precise"`
	PriceFen    int64    `json:"price_fen"`
}

// ProductUpdate edits a product of the caller's organisation.
type ProductUpdate struct {
	ID int64 `path:"id" json:"-"`
	ProductInput
}

// AdoptionQuery filters adoption records.
type AdoptionQuery struct {
	Paging
	State string `query:"state" json:"-" enum:",proposed,confirmed,rejected"`
	Q     string `query:"q" json:"-" doc:"产品、企业、服务商名称或合同编号"`
}

// EffectIndicator is one measured effect of an adoption (应用成效).
type EffectIndicator struct {
	Name        string `json:"name"`
	Unit        string `json:"unit,omitempty"`
	LowerBetter bool   `json:"lower_better,omitempty" doc:"越低越好，如不良品率"`
	Before      string `json:"before" doc:"应用前的值（十进制数）"`
	After       string `json:"after" doc:"应用后的值"`
}

// Adoption is an enterprise's use of a product (应用记录).
type Adoption struct {
	ID               int64             `json:"id"`
	ProductID        int64             `json:"product_id"`
	ProductName      string            `json:"product_name"`
	ProductKind      string            `json:"product_kind"`
	ProductWithdrawn bool              `json:"product_withdrawn"`
	EnterpriseOrgID  int64             `json:"enterprise_org_id"`
	EnterpriseName   string            `json:"enterprise_name"`
	EnterpriseUSCC   string            `json:"enterprise_uscc"`
	DistrictName     string            `json:"district_name"`
	ProviderOrgID    int64             `json:"provider_org_id"`
	ProviderName     string            `json:"provider_name"`
	ProviderUSCC     string            `json:"provider_uscc"`
	ContractNo       string            `json:"contract_no"`
	ContractDate     string            `json:"contract_date" format:"date"`
	Scope            string            `json:"scope" doc:"应用范围"`
	State            string            `json:"state" enum:"proposed,confirmed,rejected"`
	StateLabel       string            `json:"state_label"`
	RecordedBy       string            `json:"recorded_by" enum:"enterprise,provider"`
	Effects          []EffectIndicator `json:"effects"`
	ConfirmedAt      *time.Time        `json:"confirmed_at"`
	RejectedAt       *time.Time        `json:"rejected_at"`
	RejectReason     string            `json:"reject_reason"`
	EffectsAt        *time.Time        `json:"effects_at"`
	CreatedAt        time.Time         `json:"created_at"`
}

// AdoptionInput records an adoption: the enterprise its own (confirmed at
// once), or a provider one of its products at an enterprise (proposed).
type AdoptionInput struct {
	ProductID      int64             `json:"product_id"`
	EnterpriseUSCC string            `json:"enterprise_uscc,omitempty" doc:"服务商提交时：应用企业的统一社会信用代码"`
	ContractNo     string            `json:"contract_no"`
	ContractDate   string            `json:"contract_date" format:"date"`
	Scope          string            `json:"scope"`
	Effects        []EffectIndicator `json:"effects,omitempty" doc:"错误以 effects.<序号>.<字段> 指明（序号从 0 起）"`
}

// AdoptionEffectsInput confirms a proposal or reports the effects.
type AdoptionEffectsInput struct {
	ID      int64             `path:"id" json:"-"`
	Effects []EffectIndicator `json:"effects,omitempty"`
}

// AdoptionRejectInput rejects a provider's proposal.
type AdoptionRejectInput struct {
	ID     int64  `path:"id" json:"-"`
	Reason string `json:"reason"`
}

// ChainMember is an enterprise of a 第七条（五） chain.
type ChainMember struct {
	Seq          int    `json:"seq"`
	OrgID        int64  `json:"org_id"`
	Name         string `json:"name"`
	USCC         string `json:"uscc"`
	DistrictName string `json:"district_name"`
	Relation     string `json:"relation" doc:"与链主的关系，如一级供应商"`
}

// ChainMembersInput replaces the chain of a 第七条（五） application.
type ChainMembersInput struct {
	ID      int64              `path:"id" json:"-"`
	Members []ChainMemberInput `json:"members" doc:"错误以 members.<序号>.<字段> 指明（序号从 0 起）"`
}

// ChainMemberInput is one chain member.
type ChainMemberInput struct {
	USCC     string `json:"uscc"`
	Relation string `json:"relation"`
}

// RankingQuery filters ranking runs.
type RankingQuery struct {
	Paging
	Kind string `query:"kind" json:"-" enum:",product,provider"`
}

// RankingRun is one computed ranking (第七条（三）（四）).
type RankingRun struct {
	ID                int64         `json:"id"`
	Kind              string        `json:"kind" enum:"product,provider"`
	KindLabel         string        `json:"kind_label"`
	Article           string        `json:"article"`
	PeriodFrom        string        `json:"period_from" format:"date"`
	PeriodTo          string        `json:"period_to" format:"date"`
	ParamsVersion     string        `json:"params_version"`
	Params            RankingParams `json:"params"`
	Formula           string        `json:"formula"`
	TieRule           string        `json:"tie_rule"`
	RerunOf           *int64        `json:"rerun_of"`
	Adoptions         int           `json:"adoptions" doc:"计入的已确认应用记录"`
	Entries           int           `json:"entries"`
	Ranked            int           `json:"ranked"`
	ComputedBy        string        `json:"computed_by"`
	ComputedAt        time.Time     `json:"computed_at"`
	ProposedCallID    *int64        `json:"proposed_call_id" doc:"已推荐奖补时的批次；否则为 null"`
	ProposedCallTitle string        `json:"proposed_call_title"`
	ProposedTop       int           `json:"proposed_top"`
	ProposedAmountFen int64         `json:"proposed_amount_fen"`
	ProposedAt        *time.Time    `json:"proposed_at"`
}

// RankingParams are the parameter values a run used, with their sources.
type RankingParams struct {
	WeightCountBP  int64             `json:"weight_count_bp"`
	WeightEffectBP int64             `json:"weight_effect_bp"`
	EffectCapBP    int64             `json:"effect_cap_bp"`
	TopN           int64             `json:"top_n"`
	Sources        map[string]string `json:"sources"`
}

// RankingInput asks for a ranking of a period.
type RankingInput struct {
	Kind string `json:"kind" enum:"product,provider"`
	From string `json:"from" format:"date"`
	To   string `json:"to" format:"date" doc:"不晚于今天"`
}

// RankingEntryQuery pages a run's entries.
type RankingEntryQuery struct {
	ID int64 `path:"id" json:"-"`
	Paging
	MaxRank    int   `query:"max_rank" json:"-" doc:"只列名次 1…max_rank"`
	ProviderID int64 `query:"provider_id" json:"-"`
}

// RankingEntry is one ranked (rank ≥ 1) or excluded (rank 0) subject.
type RankingEntry struct {
	Rank          int              `json:"rank"`
	ProductID     *int64           `json:"product_id" doc:"服务商排名为 null"`
	ProviderOrgID int64            `json:"provider_org_id"`
	Name          string           `json:"name"`
	ProviderName  string           `json:"provider_name"`
	Score         int64            `json:"score" doc:"得分 × 1,000,000（100 分为 100,000,000）"`
	Eligible      bool             `json:"eligible"`
	Components    RankComponents   `json:"components"`
	Findings      []Finding        `json:"findings"`
	Proposal      *RankingProposal `json:"proposal" doc:"推荐奖补后的结果"`
}

// RankComponents are the figures a score is made of.
type RankComponents struct {
	Count          int64  `json:"count"`
	Enterprises    int64  `json:"enterprises"`
	Adoptions      int64  `json:"adoptions"`
	FirstAdoption  string `json:"first_adoption" format:"date"`
	EffectBP       int64  `json:"effect_bp"`
	MaxCount       int64  `json:"max_count"`
	MaxEffectBP    int64  `json:"max_effect_bp"`
	CountNormBP    int64  `json:"count_norm_bp"`
	EffectNormBP   int64  `json:"effect_norm_bp"`
	WeightCountBP  int64  `json:"weight_count_bp"`
	WeightEffectBP int64  `json:"weight_effect_bp"`
}

// RankingProposal is what an entry became when the run's top was proposed.
type RankingProposal struct {
	ApplicationID *int64    `json:"application_id"`
	AppNumber     string    `json:"app_number"`
	AppState      AppState  `json:"app_state"`
	AmountFen     int64     `json:"amount_fen"`
	Outcome       string    `json:"outcome" enum:"proposed,reduced,skipped"`
	Findings      []Finding `json:"findings"`
}

// RankingProposalInput proposes awards from a run's top.
type RankingProposalInput struct {
	RunID     int64 `path:"id" json:"-"`
	CallID    int64 `json:"call_id" doc:"相应类别的申报批次"`
	TopN      int   `json:"top_n" doc:"推荐前几名（1–1000）"`
	AmountFen int64 `json:"amount_fen,omitempty" doc:"每个产品（三）或服务商（四）的拟奖补金额；0 为上限"`
}

// RankingProposalResult is what a proposal created.
type RankingProposalResult struct {
	Run          RankingRun    `json:"run"`
	Applications []Application `json:"applications" doc:"生成的推荐奖补（评审通过，待资格复核）"`
	Replayed     bool          `json:"replayed" doc:"该排名此前已推荐：未重复生成"`
}
