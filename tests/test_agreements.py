def agreement_keys(x):
    return {a.key for a in x.agreements}


def dispute_keys(x):
    return {d.key for d in x.disputes}


def test_named_agreement_under_any_alias(run):
    x = run("In 1998 they signed the Kim-Obuchi Joint Declaration. The Kim Dae Jung-Obuchi Joint Declaration 2.0 era began.")
    assert agreement_keys(x) == {"ref:kim-obuchi-declaration"}
    rec = x.agreements[0]
    assert set(rec.signatories) == {"ref:kim-dae-jung", "ref:keizo-obuchi"}
    assert len(rec.spans) == 2


def test_generic_phrase_with_a_year_resolves_to_the_reference(run):
    x = run("South Korea and Japan talked of updating the 1998 joint declaration.")
    assert "ref:kim-obuchi-declaration" in agreement_keys(x)


def test_context_alias_only_between_its_parties(run):
    x = run("In 1965, Korea and Japan achieved diplomatic normalization. Japan and Korea moved on.")
    assert "ref:treaty-on-basic-relations" in agreement_keys(x)
    y = run("China and Russia sought diplomatic normalization. China again.")
    assert "ref:treaty-on-basic-relations" not in agreement_keys(y)


def test_summit_outcome_becomes_an_agreement(run):
    x = run("President Lee Jae-myung and Prime Minister Shigeru Ishiba held a summit in Tokyo in August. "
            "The August summit produced a joint statement.", published="2025-09")
    new = [a for a in x.agreements if a.key.startswith("new:")]
    assert len(new) == 1
    assert set(new[0].signatories) == {"ref:lee-jae-myung", "ref:shigeru-ishiba"}
    assert new[0].date == "2025-08"
    summit = next(e for e in x.events if e.cls == "Summit")
    assert new[0].key in summit.outcome


def test_disputes_by_alias_and_by_cooccurring_words(run):
    x = run("Disputes over forced labor, comfort women and export regulations persist. "
            "The Sado gold mines were added to UNESCO's list.")
    assert {"ref:forced-labor", "ref:comfort-women", "ref:export-controls-2019", "ref:sado-mine-listing"} <= dispute_keys(x)


def test_passive_signing_makes_an_agreement(run):
    x = run("A memorandum of understanding on fisheries was signed by Foreign Minister Cho Tae-yul and Japanese "
            "Foreign Minister Takeshi Iwaya in Busan on Jan. 8, 2025.", published="2025-01-13")
    (rec,) = x.agreements
    assert set(rec.signatories) == {"ref:cho-tae-yul", "ref:takeshi-iwaya"}
    assert set(rec.parties) == {"ref:south-korea", "ref:japan"} and rec.date == "2025-01-08"


def test_an_agreement_signed_by_one_side_is_not_new(run):
    x = run("The deal was signed by Foreign Minister Cho Tae-yul in Seoul.", published="2025-01-13")
    assert x.agreements == ()
