//! The tera templates of `templates/`, compiled into the binary so it runs
//! from any directory. Autoescaping is on for every `.html` template.

use tera::{Context, Tera};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../templates/base.html")),
    (
        "_account.html",
        include_str!("../../../templates/_account.html"),
    ),
    (
        "_password_policy.html",
        include_str!("../../../templates/_password_policy.html"),
    ),
    ("index.html", include_str!("../../../templates/index.html")),
    ("login.html", include_str!("../../../templates/login.html")),
    (
        "new_password.html",
        include_str!("../../../templates/new_password.html"),
    ),
    (
        "restricted.html",
        include_str!("../../../templates/restricted.html"),
    ),
    (
        "sessions.html",
        include_str!("../../../templates/sessions.html"),
    ),
    ("error.html", include_str!("../../../templates/error.html")),
    (
        "password.html",
        include_str!("../../../templates/password.html"),
    ),
    (
        "signup.html",
        include_str!("../../../templates/signup.html"),
    ),
    (
        "signup_confirm.html",
        include_str!("../../../templates/signup_confirm.html"),
    ),
    (
        "forgot.html",
        include_str!("../../../templates/forgot.html"),
    ),
    (
        "login_code.html",
        include_str!("../../../templates/login_code.html"),
    ),
    ("mfa.html", include_str!("../../../templates/mfa.html")),
    (
        "login_setup.html",
        include_str!("../../../templates/login_setup.html"),
    ),
    (
        "mfa_setup.html",
        include_str!("../../../templates/mfa_setup.html"),
    ),
    ("reset.html", include_str!("../../../templates/reset.html")),
];

/// The stylesheet of `static/style.css`.
pub const STYLE_CSS: &str = include_str!("../../../static/style.css");

/// The site's icon, `static/favicon.svg`.
pub const FAVICON_SVG: &str = include_str!("../../../static/favicon.svg");

/// The compiled templates.
pub struct Templates(Tera);

impl Templates {
    /// Compiles the templates (a broken template fails at start, not on a request).
    pub fn new() -> Result<Self, tera::Error> {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES.iter().copied())?;
        tera.autoescape_on(vec![".html"]);
        Ok(Self(tera))
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, tera::Error> {
        self.0.render(name, context)
    }
}
