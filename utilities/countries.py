"""Country codes the registry's rules name (ISO 3166-1 alpha-2)."""

# The Chinese side of every relationship; every other country is a partner's.
CHINA = "CN"
# Not partner countries: China itself, and Taiwan, Hong Kong and Macao, which are part of it.
NOT_PARTNER_COUNTRIES = {CHINA, "TW", "HK", "MO"}
