"""Country codes the registry's rules name (ISO 3166-1 alpha-2)."""

# The Chinese side of every relationship; every other country is a partner's.
CHINA = "CN"
# Not partner countries: China itself, and Taiwan, Hong Kong and Macao, which are part of it.
NOT_PARTNER_COUNTRIES = {CHINA, "TW", "HK", "MO"}

# Countries without diplomatic relations with the People's Republic of China, as of 2024:
# the states that recognise Taipei (Belize, Eswatini, Guatemala, Haiti, the Marshall
# Islands, Palau, Paraguay, Saint Kitts and Nevis, Saint Lucia, Saint Vincent and the
# Grenadines, Tuvalu, the Holy See) and Bhutan, which has relations with neither. Source:
# the Ministry of Foreign Affairs' table of the dates on which China established
# diplomatic relations with other countries (中华人民共和国与各国建立外交关系日期简表,
# https://www.mfa.gov.cn/web/ziliao_674904/2193_674977/); Nauru (2024), Honduras
# (2023), Nicaragua (2021), Kiribati and the Solomon Islands (2019) are on it again.
# CPAFFC's rules: partners must be in countries that have diplomatic relations with China.
NO_DIPLOMATIC_RELATIONS = frozenset(
    {"BT", "BZ", "GT", "HT", "KN", "LC", "MH", "PW", "PY", "SZ", "TV", "VA", "VC"}
)
