from site_gen.names import normalize, slugify


class TestNormalize:
    def test_folds_case_diacritics_and_dashes(self):
        assert normalize("al-Assad") == normalize("Al Assad") == "al assad"
        assert normalize("São Paulo") == "sao paulo"

    def test_drops_leading_the_full_stops_and_quotes(self):
        assert normalize("The  United Nations") == "united nations"
        assert normalize("U.S.") == "us"
        assert normalize("\u201cZarovia\u201d") == "zarovia"

    def test_unifies_apostrophes(self):
        assert normalize("Shi\u2019ite") == normalize("Shi'ite")

    def test_keeps_al_prefix(self):
        assert normalize("al-Sadr") != normalize("Sadr")

    def test_empty(self):
        assert normalize("") == ""


class TestSlugify:
    def test_latin(self):
        assert slugify("Bashar al-Assad") == "bashar-al-assad"
        assert slugify("The Falcon Brigade") == "falcon-brigade"

    def test_transliterates_non_latin(self):
        assert slugify("Москва") == "moskva"
        assert slugify("Володимир Зеленський") == "volodimir-zelenskii"

    def test_never_empty(self):
        assert slugify("**").startswith("n-")
        assert slugify("**") != slugify("??")

    def test_no_path_characters(self):
        for name in ("../../x", "/etc", "..", "a/b\\c"):
            slug = slugify(name)
            assert slug and "/" not in slug and "\\" not in slug and ".." not in slug

    def test_apostrophe_joins(self):
        assert slugify("O'Brien") == "obrien"
