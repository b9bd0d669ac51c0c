import pytest


def ev(x, cls=None):
    return [e for e in x.events if cls is None or e.cls == cls]


def test_meeting_with_participants_date_and_place(run):
    x = run("South Korean Foreign Minister Cho Tae-yul and Japanese Foreign Minister Takeshi Iwaya met in Seoul on Monday.")
    (e,) = ev(x)
    assert e.cls == "Meeting"
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya"} <= set(e.participants)
    assert e.date == "2025-01-13" and e.location == "ref:seoul"
    assert e.spans[0].article == x.article.id


def test_mentions_of_one_event_merge(run):
    x = run("Cho Tae-yul and Takeshi Iwaya met in Seoul on Monday. "
            "Cho said the 95-minute bilateral meeting in Seoul went well. Iwaya praised the talks with Cho.")
    meetings = ev(x, "Meeting")
    assert len(meetings) == 1 and len(meetings[0].spans) == 3


def test_political_events_with_their_dates(run):
    x = run("President Yoon Suk Yeol's martial law declaration on Dec. 3 led to an impeachment vote "
            "by the National Assembly on Dec. 14.", published="2025-01-13")
    kinds = {e.key: e for e in ev(x, "Event")}
    assert kinds["martial-law"].date == "2024-12-03" and "ref:yoon-suk-yeol" in kinds["martial-law"].participants
    assert kinds["impeachment"].date == "2024-12-14" and "ref:national-assembly" in kinds["impeachment"].participants


def test_visit_to_several_places_splits(run):
    x = run("President-elect Yoon Suk Yeol sent delegations to the U.S. from April 3-11 and Japan from April 24-28.",
            published="2022-05-11")
    visits = sorted(ev(x, "Visit"), key=lambda e: e.date)
    assert [(v.location, v.date, v.end_date) for v in visits] == [
        ("ref:united-states", "2022-04-03", "2022-04-11"), ("ref:japan", "2022-04-24", "2022-04-28")]


def test_courtesy_visit_to_a_person_is_a_meeting_and_keeps_the_subject(run):
    x = run("Iwaya met Speaker Woo Won-shik and is scheduled to pay a courtesy visit to acting president "
            "Choi Sang-mok on Tuesday.")
    m = [e for e in ev(x, "Meeting") if "ref:choi-sang-mok" in e.participants]
    assert m and "ref:takeshi-iwaya" in m[0].participants and m[0].date == "2025-01-14"


def test_last_held_makes_a_past_event(run):
    x = run("Monday marks the first joint press conference of the two foreign ministers in 13 years, last held in "
            "October 2011 when Kim Sung-hwan and Koichiro Gemba addressed the media together.")
    past = [e for e in ev(x) if e.date == "2011-10"]
    assert past and {"ref:kim-sung-hwan", "ref:koichiro-gemba"} <= set(past[0].participants)


def test_bilateral_summit_gets_the_other_leader(run):
    x = run("Japanese Prime Minister Shigeru Ishiba held a summit with President Lee Jae-myung in August.",
            published="2025-09")
    (s,) = ev(x, "Summit")
    assert set(s.participants) >= {"ref:lee-jae-myung", "ref:shigeru-ishiba"}


def test_hypothetical_generic_and_negated_mentions_are_not_events(run):
    x = run("A summit would help if it were held. Regular visits between leaders matter. "
            "There has been no summit between the two countries. Japan and Korea could hold talks.")
    assert ev(x) == []


def test_quotations_do_not_make_events(run):
    x = run('"Camp David gave the government a story, but Fukushima is where that story meets worries," said Jane Roe.')
    assert ev(x) == []


def test_dateline_gives_the_place(run):
    x = run("BUSAN -- Japanese Prime Minister Shigeru Ishiba held summit talks with President Lee Jae-myung on Tuesday.",
            published="2025-10-01")
    (s,) = ev(x, "Summit")
    assert s.location == "ref:busan" and s.date == "2025-09-30"


def test_anniversary_dates_the_original_event(run):
    x = run("This year marks the 20th anniversary of the Korea-Japan World Cup.", published="2022-05-11")
    (w,) = ev(x)
    assert w.key == "world-cup" and w.date == "2002"


@pytest.mark.parametrize("verb", ["talked by phone", "talked on the phone", "spoke over the phone",
                                  "held a phone call"])
def test_phone_talks_in_several_phrasings(run, verb):
    x = run(f"Foreign Minister Cho Tae-yul and Japanese Foreign Minister Takeshi Iwaya {verb} on Monday.")
    (e,) = ev(x)
    assert e.cls in ("Meeting", "Summit")
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya"} <= set(e.participants) and e.date == "2025-01-13"


def test_received_by_is_a_meeting(run):
    x = run("Japanese Foreign Minister Takeshi Iwaya was received by Foreign Minister Cho Tae-yul "
            "in Busan on Jan. 8, 2025.")
    (e,) = ev(x, "Meeting")
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya"} <= set(e.participants)
    assert e.date == "2025-01-08" and e.location == "ref:busan"


@pytest.mark.parametrize("sentence", [
    ("A summit between President Yoon Suk Yeol of South Korea and Prime Minister Fumio Kishida of Japan "
     "took place in central Tokyo in March 2023."),
    ("Talks between South Korean President Yoon Suk Yeol and Japanese Prime Minister Fumio Kishida "
     "were held at a hotel in central Tokyo in March 2023."),
])
def test_nominal_event_with_a_passive_predicate_takes_the_later_date(run, sentence):
    x = run(sentence, published="2023-06-01")
    (e,) = ev(x)
    assert {"ref:yoon-suk-yeol", "ref:fumio-kishida"} <= set(e.participants)
    assert e.date == "2023-03" and e.location == "ref:tokyo"


def test_protest_with_a_summons(run):
    x = run("Japan's Foreign Ministry lodged a protest on Saturday, summoning a South Korean diplomat "
            "over the island dispute.", published="2025-01-13")
    (e,) = ev(x)
    assert e.key == "summons" and e.date == "2025-01-11"
    assert "ref:ministry-of-foreign-affairs-japan" in e.participants


def test_habitual_visits_are_not_events(run):
    x = run("Kishida, who has regularly visited Yasukuni Shrine, stayed home earlier this month.",
            published="2025-01-13")
    assert [e for e in ev(x) if e.cls == "Visit"] == []


def test_an_agreements_year_and_names_are_not_an_event(run):
    x = run("The meeting came amid renewed debate over the 1998 Kim-Obuchi Declaration.", published="2015-06-10")
    assert [e for e in ev(x) if e.date == "1998"] == []
    x = run("Prime Minister Shinzo Abe cited the 1995 Murayama Statement during talks with President "
            "Park Geun-hye on Monday.", published="2015-06-10")
    (e,) = ev(x)
    assert "ref:tomiichi-murayama" not in e.participants
    assert {"ref:shinzo-abe", "ref:park-geun-hye"} <= set(e.participants)


def test_negation_a_few_words_before_the_trigger(run):
    x = run("President Yoon Suk Yeol has not held a formal summit with Japan's leader since May 2022.",
            published="2023-01-10")
    assert ev(x) == []


def test_a_headline_is_not_filed_from_the_dateline(run):
    x = run("Japan, U.S. hold talks\n\nSEOUL -- Japanese Foreign Minister Taro Kono conferred with Secretary of "
            "State Mike Pompeo in Washington on Tuesday.", published="2018-05-05")
    assert [e.location for e in ev(x)] == ["ref:washington-dc"]


def test_agreed_on_a_day_during_talks_dates_the_talks(run):
    x = run("Foreign Minister Cho Tae-yul and Japanese Foreign Minister Takeshi Iwaya agreed on Friday to expand "
            "youth exchanges during talks at a hotel in central Busan.", published="2025-01-13")
    (e,) = ev(x)
    assert e.date == "2025-01-10" and e.location == "ref:busan"


def test_talks_on_the_sidelines_of_a_summit_take_its_place_and_date(run):
    x = run("Foreign Minister Cho Tae-yul, Japanese Foreign Minister Takeshi Iwaya and Secretary of State Antony "
            "Blinken held trilateral talks on the sidelines of the G20 summit in Rio de Janeiro on Nov. 18.",
            published="2024-11-20")
    (e,) = ev(x)
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya", "ref:antony-blinken"} <= set(e.participants)
    assert e.date == "2024-11-18"


def test_sat_down_with_for_talks_is_one_meeting(run):
    x = run("On Jan. 9, Takeshi Iwaya sat down with Cho Tae-yul in Seoul for talks.", published="2025-01-13")
    (e,) = ev(x)
    assert {"ref:cho-tae-yul", "ref:takeshi-iwaya"} <= set(e.participants) and e.date == "2025-01-09"


def test_a_year_describing_another_thing_does_not_date_the_event(run):
    x = run("Japan's Foreign Ministry lodged a protest on Thursday, summoning a South Korean diplomat over the "
            "2018 radar incident.", published="2025-01-13")
    (e,) = ev(x)
    assert e.date == "2025-01-09"


def test_the_datelines_date_is_not_the_events(run):
    x = run("SEOUL, Jan. 13 (Wire) -- Foreign Minister Cho Tae-yul met Japanese Foreign Minister Takeshi Iwaya "
            "on the sidelines of the G20 summit in Rio de Janeiro on Jan. 11.", published="2025-01-13")
    (e,) = ev(x)
    assert e.date == "2025-01-11"


def test_talks_named_only_as_a_source_or_a_plan_are_not_events(run):
    x = run('"It went well," an official familiar with the talks said. Japan and South Korea agreed in Seoul '
            "on the idea, agreeing to hold regular talks.", published="2025-01-13")
    assert ev(x) == []


def test_a_long_object_does_not_keep_the_date_from_the_verb(run):
    x = run("Japanese Foreign Minister Takeshi Iwaya conferred with South Korean Foreign Minister Cho Tae-yul "
            "at a government guesthouse in Seoul last November on trade and investment.", published="2025-01-13")
    (e,) = ev(x)
    assert e.date == "2024-11" and e.location == "ref:seoul"


def test_a_dateline_below_a_byline_and_share_buttons(run):
    x = run("Leaders meet\n\nBy Jane Roe\n\nShare on Facebook | Share on X\n\nBUSAN, Jan. 12 -- President Lee "
            "Jae-myung hosted Prime Minister Shigeru Ishiba for talks on Jan. 10.", published="2025-11-12")
    (e,) = ev(x)
    assert e.date == "2025-01-10" and e.location == "ref:busan"


def test_a_setting_summit_named_first_and_a_topic_place(run):
    x = run("On the sidelines of the NATO summit in Madrid, President Yoon Suk Yeol and Prime Minister Fumio "
            "Kishida held talks on Wednesday on the situation on the Korean Peninsula.", published="2022-07-01")
    (e,) = ev(x)
    assert {"ref:yoon-suk-yeol", "ref:fumio-kishida"} <= set(e.participants)
    assert e.location == "ref:madrid" and e.date == "2022-06-29"


def test_a_headline_alone_is_not_an_event(run):
    x = run("Japan, S. Korea hold talks in Tokyo\n\nThe two countries have long disputed the islets.",
            published="2023-03-10")
    assert ev(x) == []
    y = run("Japan, S. Korea hold talks in Tokyo\n\nForeign Minister Park Jin and Japanese Foreign Minister "
            "Yoshimasa Hayashi met in Tokyo on Tuesday.", published="2023-03-10")
    (e,) = ev(y)
    assert len(e.spans) == 2 and e.date == "2023-03-07"


def test_a_subject_joined_by_and_before_a_when_clause_takes_part(run):
    x = run("Ana Ortiz, the Spanish envoy, and Foreign Minister Park Min-jun of South Korea discussed "
            "fisheries when they met in Tokyo on Tuesday.", published="2024-05-09")
    meetings = ev(x, "Meeting")
    assert len(meetings) == 1
    people = [p for p in meetings[0].participants if p.startswith("new:person:")]
    assert len(people) == 2 and any("park" in p for p in people) and any("ortiz" in p for p in people)


@pytest.mark.parametrize("sentence", [
    "Japanese Foreign Minister Takeshi Iwaya called on the acting president, Choi Sang-mok, in Seoul on Monday.",
    "Foreign Minister Takeshi Iwaya lodged a protest by telephone with Foreign Minister Cho Tae-yul on Monday.",
])
def test_a_courtesy_call_and_a_protest_by_telephone_are_meetings(run, sentence):
    x = run(sentence)
    (e,) = ev(x, "Meeting")
    assert "ref:takeshi-iwaya" in e.participants and e.date == "2025-01-13"


def test_calling_on_someone_to_act_is_no_meeting(run):
    x = run("Foreign Minister Cho Tae-yul called on Japan to honor the agreement on Monday.")
    assert ev(x, "Meeting") == []
