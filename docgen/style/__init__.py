"""Style profiles: every layout number, in YAML files resolved into a frozen ``StyleProfile``.

``schema.py`` declares every key (unit, default, meaning); ``profile.py`` loads and resolves profiles (``extends:``,
a role's ``base:``, where each value came from); ``describe.py`` prints them for people.
"""

from docgen.style.describe import describe_profile, explain
from docgen.style.profile import (
    MAX_PROFILE_BYTES,
    PROFILES_DIR,
    REQUIRED_ROLES,
    FontFace,
    RoleStyle,
    Rule,
    StyleProfile,
    load_profile,
)

__all__ = [
    "MAX_PROFILE_BYTES",
    "PROFILES_DIR",
    "REQUIRED_ROLES",
    "FontFace",
    "RoleStyle",
    "Rule",
    "StyleProfile",
    "describe_profile",
    "explain",
    "load_profile",
]
