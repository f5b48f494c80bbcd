package store

import (
	"context"
	"strings"

	"dtfund"
)

const userColumns = `id, username, display_name, email, role, COALESCE(district_code, ''), COALESCE(org_id, 0), disabled, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }) (*dtfund.User, error) {
	var u dtfund.User
	var created, updated string
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Role, &u.DistrictCode, &u.OrgID, &u.Disabled, &created, &updated); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	return &u, nil
}

// User returns a user by ID.
func (db *DB) User(ctx context.Context, id int64) (*dtfund.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, userErr(err)
	}
	return u, nil
}

// UserByUsername returns a user and the stored password hash.
func (db *DB) UserByUsername(ctx context.Context, username string) (*dtfund.User, string, error) {
	var hash string
	row := db.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = ?`, username)
	var u dtfund.User
	var created, updated string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Role, &u.DistrictCode, &u.OrgID, &u.Disabled, &created, &updated, &hash)
	if err != nil {
		return nil, "", userErr(err)
	}
	u.CreatedAt, u.UpdatedAt = parseTime(created), parseTime(updated)
	return &u, hash, nil
}

func userErr(err error) error {
	if dtfund.ErrorCode(normalize(err)) == dtfund.ENOTFOUND {
		return dtfund.Errorf(dtfund.ENOTFOUND, "用户不存在")
	}
	return err
}

// UserFilter selects users for the administrator's list.
type UserFilter struct {
	Role  dtfund.Role
	Query string
	Page  Page
}

// FindUsers returns one page of users and the total.
func (db *DB) FindUsers(ctx context.Context, f UserFilter) ([]*dtfund.User, int, error) {
	var conds []string
	var args []any
	if f.Role != "" {
		conds, args = append(conds, "role = ?"), append(args, f.Role)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, "(username LIKE ? OR display_name LIKE ?)")
		args = append(args, "%"+escapeLike(q)+"%", "%"+escapeLike(q)+"%")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM users`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	p := f.Page.clamp()
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users`+where+` ORDER BY id LIMIT ? OFFSET ?`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var us []*dtfund.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		us = append(us, u)
	}
	return us, total, rows.Err()
}

// CreateUser inserts a user with an already hashed password.
func (tx *Tx) CreateUser(ctx context.Context, u *dtfund.User, passwordHash string) error {
	id, err := tx.insertID(ctx, `INSERT INTO users (username, display_name, email, password_hash, role, district_code, org_id, disabled, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, u.Email, passwordHash, u.Role, nullString(u.DistrictCode), nullInt(u.OrgID),
		u.Disabled, fmtTime(tx.now), fmtTime(tx.now))
	if err != nil {
		if dtfund.ErrorCode(normalize(err)) == dtfund.ECONFLICT {
			return dtfund.FieldError("username", "用户名 %s 已存在", u.Username)
		}
		return err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = id, tx.now, tx.now
	return nil
}

// UpdateUser writes role, jurisdiction, organisation, name and disabled flag.
func (tx *Tx) UpdateUser(ctx context.Context, u *dtfund.User) error {
	res, err := tx.exec(ctx, `UPDATE users SET display_name = ?, email = ?, role = ?, district_code = ?, org_id = ?, disabled = ?, updated_at = ? WHERE id = ?`,
		u.DisplayName, u.Email, u.Role, nullString(u.DistrictCode), nullInt(u.OrgID), u.Disabled, fmtTime(tx.now), u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "用户不存在")
	}
	u.UpdatedAt = tx.now
	return nil
}

// SetPasswordHash replaces a user's password hash.
func (tx *Tx) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, fmtTime(tx.now), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dtfund.Errorf(dtfund.ENOTFOUND, "用户不存在")
	}
	return nil
}

// User reads a user inside a write transaction, for read-modify-write.
func (tx *Tx) User(ctx context.Context, id int64) (*dtfund.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, userErr(err)
	}
	return u, nil
}

// OrgUserEmails returns the e-mail addresses of an organisation's active users.
func (db *DB) OrgUserEmails(ctx context.Context, orgID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT email FROM users WHERE org_id = ? AND NOT disabled AND email <> '' ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
