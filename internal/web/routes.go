package web

// addShellRoutes lists the routes every user shares: login, home, language,
// my account, and the API's "who am I".
func (s *Server) addShellRoutes(rs *Routes) {
	rs.Page("GET /{$}", LoggedIn, s.showHome)
	rs.Page("GET /login", Public, s.showLogin)
	rs.Page("POST /login", Public, s.login)
	rs.Page("GET /login/totp", LoggedIn, s.showTOTPStep)
	rs.Page("POST /login/totp", LoggedIn, s.verifyTOTP)
	rs.Page("POST /logout", LoggedIn, s.logout)
	rs.Page("POST /lang", Public, s.setLang)
	rs.Page("GET /account", LoggedIn, s.showAccount)
	rs.Page("GET /account/password", LoggedIn, s.showPassword)
	rs.Page("POST /account/password", LoggedIn, s.changePassword)
	rs.Page("POST /account/totp", LoggedIn, s.enableTOTP)
	rs.Page("POST /account/totp/disable", LoggedIn, s.disableTOTP)
	rs.Page("POST /account/tokens", LoggedIn, s.issueToken)
	rs.Page("POST /account/tokens/{id}/revoke", LoggedIn, s.revokeToken)
	rs.API("GET /api/v1/me", LoggedIn, "The user of the bearer token", s.apiMe)
}
