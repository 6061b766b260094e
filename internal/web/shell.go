package web

import (
	"net/http"
	"time"

	"kejiju/internal/auth"
	"kejiju/internal/i18n"
)

func (s *Server) showHome(w http.ResponseWriter, r *http.Request) error {
	var figs []Figure
	if u := UserFrom(r.Context()); s.cfg.Figures != nil && !u.IsAdmin() {
		var err error
		if figs, err = s.cfg.Figures(r.Context(), u); err != nil {
			return err
		}
	}
	return s.Render(w, r, "home.html", "home.title", figs)
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) error {
	if UserFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.Render(w, r, "login.html", "login.title", map[string]string{"Next": r.URL.Query().Get("next")})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	next := SafeNext(r.PostForm.Get("next"), "/")
	res, err := s.auth.Login(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), ClientIP(r), r.UserAgent())
	if err != nil {
		r.PostForm.Del("password")
		return s.RenderForm(w, r, "login.html", "login.title", map[string]string{"Next": next}, err)
	}
	s.setSessionCookie(w, res.Token)
	if res.User.Lang != "" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: res.User.Lang, Path: "/", SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie, MaxAge: 365 * 24 * 3600})
	}
	if res.NeedTOTP {
		next = "/login/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) showTOTPStep(w http.ResponseWriter, r *http.Request) error {
	return s.Render(w, r, "totp.html", "totp.title", nil)
}

func (s *Server) verifyTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	c, _ := r.Cookie(sessionCookie)
	if c == nil {
		return i18n.E(i18n.Unauthorized, "error.unauthorized")
	}
	if err := s.auth.VerifyTOTP(r.Context(), c.Value, r.PostForm.Get("totp_code"), ClientIP(r)); err != nil {
		return s.RenderForm(w, r, "totp.html", "totp.title", nil, err)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.auth.Logout(r.Context(), UserFrom(r.Context()), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return s.Redirect(w, r, "/login", "login.logged_out")
}

// setLang switches the interface language, remembering it in a cookie and,
// for a logged-in user, in the account.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	lang := i18n.Match(r.PostForm.Get("lang"))
	if u := UserFrom(r.Context()); u != nil {
		if err := s.auth.SetLang(r.Context(), u, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookie, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, SafeNext(r.PostForm.Get("next"), "/"), http.StatusSeeOther)
	return nil
}

// accountData is what the account page shows.
type accountData struct {
	Tokens     []auth.APIToken
	NewToken   string
	TOTPSecret string
	TOTPURL    string
	Policy     auth.Policy
	Expires    time.Time
}

func (s *Server) accountData(r *http.Request) (*accountData, error) {
	u := UserFrom(r.Context())
	toks, err := s.auth.Tokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	d := &accountData{Tokens: toks, Policy: s.auth.CurrentPolicy()}
	if s.auth.CurrentPolicy().MaxAge > 0 {
		d.Expires = u.PasswordChangedAt.Add(s.auth.CurrentPolicy().MaxAge)
	}
	if !u.TOTPEnabled {
		d.TOTPSecret = r.PostForm.Get("totp_secret")
		if d.TOTPSecret == "" {
			d.TOTPSecret = auth.NewTOTPSecret()
		}
		d.TOTPURL = auth.TOTPURL(s.cfg.BureauName, u.Username, d.TOTPSecret)
	}
	return d, nil
}

var accountCrumbs = []Crumb{{Key: "account.title", Href: "/account"}}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) error {
	d, err := s.accountData(r)
	if err != nil {
		return err
	}
	return s.Render(w, r, "account.html", "account.title", d, accountCrumbs...)
}

func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, err error) error {
	d, derr := s.accountData(r)
	if derr != nil {
		return derr
	}
	return s.RenderForm(w, r, "account.html", "account.title", d, err, accountCrumbs...)
}

func (s *Server) showPassword(w http.ResponseWriter, r *http.Request) error {
	return s.Render(w, r, "password.html", "password.title", s.auth.CurrentPolicy(), accountCrumbs...)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var err error
	if f.Get("password") != f.Get("password2") {
		err = i18n.FieldError("password2", "password.mismatch")
	} else {
		err = s.auth.ChangePassword(r.Context(), UserFrom(r.Context()), f.Get("old_password"), f.Get("password"))
	}
	if err != nil {
		for _, k := range []string{"old_password", "password", "password2"} {
			f.Del(k)
		}
		return s.RenderForm(w, r, "password.html", "password.title", s.auth.CurrentPolicy(), err, accountCrumbs...)
	}
	return s.Redirect(w, r, "/", "password.changed")
}

func (s *Server) enableTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	if err := s.auth.EnableTOTP(r.Context(), UserFrom(r.Context()), r.PostForm.Get("totp_secret"), r.PostForm.Get("totp_code")); err != nil {
		return s.renderAccountForm(w, r, err)
	}
	return s.Redirect(w, r, "/account", "totp.enabled")
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	if err := s.auth.DisableTOTP(r.Context(), UserFrom(r.Context()), r.PostForm.Get("password")); err != nil {
		return s.renderAccountForm(w, r, err)
	}
	return s.Redirect(w, r, "/account", "totp.disabled")
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) error {
	if err := ParseForm(w, r); err != nil {
		return err
	}
	u := UserFrom(r.Context())
	tok, _, err := s.auth.IssueToken(r.Context(), u, u.ID, r.PostForm.Get("name"), 0)
	if err != nil {
		return s.renderAccountForm(w, r, err)
	}
	d, err := s.accountData(r)
	if err != nil {
		return err
	}
	d.NewToken = tok // shown once, never stored in clear
	return s.Render(w, r, "account.html", "account.title", d, accountCrumbs...)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := IntParam(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.RevokeToken(r.Context(), UserFrom(r.Context()), id); err != nil {
		return err
	}
	return s.Redirect(w, r, "/account", "token.revoked")
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	return JSON(w, http.StatusOK, UserFrom(r.Context()))
}
