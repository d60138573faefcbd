#!/usr/bin/env python3
"""Builds gold.jsonl, the response/quote gold set, from hand annotations written below.

The sentences are drawn (fixed seeds) from /work/shared/data: WHO Disease Outbreak News 1996-2012
(response actions) and the news-clustering corpora (ECB+, NewsWCL50; quotes). The annotations
(the A and Q tables below) were written by hand, following GUIDELINE.md, before any rule was
tuned on them. Every 4th record of each table (index % 4 == 3) is the held-out part.

Usage: python3 build_gold.py [DATA_DIR] > gold.jsonl
"""
import json
import random
import re
import sys

DATA = sys.argv[1] if len(sys.argv) > 1 else "../../../../../shared/data"


def don_candidates():
    random.seed(6)
    cues = re.compile(r'\b(sent|send|sending|provided|providing|donated|donate|deployed|dispatched|delivered|requested|request|offered|offer|pledged|refused|accepted|shipped|airlifted|will provide|has provided|supplied)\b')
    out = []
    for line in open(f"{DATA}/who-don/dons-1996-2012.jsonl"):
        d = json.loads(line)
        for s in re.split(r'(?<=[.!?])\s+|\n+', d['text']):
            if cues.search(s) and 40 < len(s) < 350 and re.search(r'WHO|UNICEF|Government|Ministry|MSF|Médecins|Red Cross|CDC|vaccine|supplies|funds|US\$', s):
                out.append((d['id'], s.strip()))
    random.shuffle(out)
    return out[:150]


def extra_candidates():
    random.seed(8)
    cues = re.compile(r'\b(refus\w*|declin\w*|accept\w*|pledg\w*|donat\w*|offer\w*|appeal\w*|discuss\w*|grant\w*|allocat\w*)\b')
    out = []
    for fn, key in [('who-don/dons-1996-2012.jsonl', 'text'), ('news-clustering/newswcl50_docs.jsonl', 'text_detokenized'), ('news-clustering/ecbplus_odd_topics.jsonl', 'text')]:
        for line in open(f"{DATA}/{fn}"):
            d = json.loads(line)
            t = (d.get(key) or '').replace('\\n', '\n')
            for s in re.split(r'(?<=[.!?])\s+|\n+', t):
                if cues.search(s) and 40 < len(s) < 350 and re.search(r'aid|assistance|vaccine|fund|US\$|\$|supplies|support|help|donat|food|medic', s):
                    out.append(((d.get('id') or d.get('doc_id')), s.strip()))
    random.shuffle(out)
    return out[:60]


def quote_candidates():
    random.seed(7)
    out = []
    for fn, key in [('newswcl50_docs.jsonl', 'text_detokenized'), ('ecbplus_odd_topics.jsonl', 'text')]:
        for line in open(f"{DATA}/news-clustering/{fn}"):
            d = json.loads(line)
            t = (d.get(key) or d.get('text') or '').replace('\\n', '\n')
            for s in re.split(r'(?<=[.!?"”])\s+(?=[A-Z"“])|\n+', t):
                s = s.strip()
                if 30 < len(s) < 400 and re.search(r'\b(said|says|told|added|according to)\b', s):
                    out.append((fn[:4] + ':' + d['doc_id'], s))
    random.shuffle(out)
    return out[:160]


def don_quote_candidates():
    out = []
    for line in open(f"{DATA}/who-don/dons-1996-2012.jsonl"):
        d = json.loads(line)
        for s in re.split(r'(?<=[.!?”"])\s+|\n+', d['text']):
            if re.search(r'\b(said|says|stated|according to)\b', s) and re.search(r'Dr |Director|spokes|Minister', s) and len(s) < 350:
                out.append((d['id'], s.strip()))
    return out


# Actions: (table, index, [ "actor|action|recipient|items|modality[|hedged]" ... ]).
# Tables: d = DON candidates, e = extra candidates. An empty list is a sentence with no action.
A = [
    ('d', 0, ["WHO|send||equipment|reported"]),
    ('d', 1, ["MSF|send||aid|reported", "PSF|send||aid|reported"]),
    ('d', 2, ["WHO|send|RW|medical_supplies|reported"]),
    ('d', 3, ["ICG|send|GOV|vaccines|reported"]),
    ('d', 4, ["|send||aid|planned"]),
    ('d', 5, ["GOV|send||medical_staff,experts|reported"]),
    ('d', 6, ["WHO|send|GOV|aid|planned"]),
    ('d', 7, []),
    ('d', 8, ["|send|CD|medical_supplies|reported"]),
    ('d', 9, ["GOV|request|WHO|experts|reported"]),
    ('d', 10, ["|send||experts|reported"]),
    ('d', 12, ["|request||aid|reported", "BR|send||vaccines|reported", "CO|send||vaccines|reported", "VE|send||vaccines|reported"]),
    ('d', 13, ["WHO|send||equipment|reported", "WHO|send||equipment,medical_supplies|reported"]),
    ('d', 14, ["CDC|send||aid|planned"]),
    ('d', 15, ["CDC|send||equipment|reported", "MSF|send||equipment|reported", "UNICEF|send||equipment|reported"]),
    ('d', 16, []),
    ('d', 17, ["WHO|send|GOV|aid|reported"]),
    ('d', 18, ["UA|request|WHO|aid|reported"]),
    ('d', 20, ["GOV|request|WHO||reported", "WHO|send||medical_supplies|reported"]),
    ('d', 21, ["WHO|send||vaccines,medicines|reported"]),
    ('d', 22, ["UNICEF|send||medical_supplies|reported"]),
    ('d', 23, ["UNICEF|send||medical_supplies,medicines|reported", "WHO|send||medical_supplies,medicines|reported", "IT|send||medical_supplies,medicines|reported"]),
    ('d', 24, ["YE|send||experts|reported"]),
    ('d', 25, ["WHO|send||medical_supplies|reported"]),
    ('d', 26, ["WHO|send||experts|reported"]),
    ('d', 28, ["WHO|send||experts|planned"]),
    ('d', 29, ["WHO|send||experts|reported"]),
    ('d', 31, ["WHO|request||funds|reported", "GB|promise||funds|reported"]),
    ('d', 32, ["WHO|send||vaccines|planned"]),
    ('d', 33, ["MSF|send|GOV|aid|reported", "WHO|send|GOV|aid|reported"]),
    ('d', 34, ["WHO|offer|KP|aid|reported"]),
    ('d', 35, ["FR|send||vaccines|reported", "MSF|send||vaccines|reported", "WHO|send||vaccines|reported"]),
    ('d', 36, ["GAVI|send||vaccines|reported"]),
    ('d', 37, ["WHO|send||experts|reported", "WHO|send||medical_supplies|reported"]),
    ('d', 38, ["GOV|send||vaccines|reported"]),
    ('d', 39, []),
    ('d', 40, ["GOV|send||experts|reported"]),
    ('d', 41, []),
    ('d', 43, ["WHO|send||vaccines,medicines|reported"]),
    ('d', 45, ["GOV|request|WHO|aid|reported", "WHO|send||aid|reported"]),
    ('d', 46, []),
    ('d', 48, ["WHO|send||equipment|reported"]),
    ('d', 52, ["GOV|request|ICG|aid|reported"]),
    ('d', 54, []),
    ('d', 56, []),
    ('d', 58, ["IFRC|send||vaccines|reported"]),
    ('d', 60, ["WHO|offer||aid|reported"]),
    ('d', 61, ["ICG|send||vaccines,medicines|reported"]),
    ('d', 63, ["NG|request|CDC|experts|reported", "CDC|send|NG|experts|reported"]),
    ('d', 64, ["GOV|send||experts|reported"]),
    ('d', 65, ["WHO|send||equipment|reported"]),
    ('d', 66, ["GOV|request|WHO|aid|reported", "WHO|send|TJ|experts|reported"]),
    ('d', 71, []),
    ('d', 74, ["WHO|send||vaccines|reported"]),
    ('d', 75, ["GOV|request|GAVI|vaccines|reported"]),
    ('d', 77, ["WHO|send||vaccines,medicines|reported"]),
    ('d', 79, ["WHO|send||vaccines|reported", "UNICEF|send||vaccines|reported", "MSF|send||vaccines|reported"]),
    ('d', 88, ["WHO|send||medicines|reported"]),
    ('d', 91, ["WHO|send||experts|planned"]),
    ('d', 95, ["GOV|request|ICG|vaccines|reported"]),
    ('d', 104, ["WHO|send|UG|experts,equipment,medical_supplies|reported"]),
    ('d', 107, ["GOV|request|ICG|vaccines|reported"]),
    ('d', 109, ["GOV|request||vaccines,medical_supplies|reported"]),
    ('d', 117, ["WHO|send|TW|experts|planned"]),
    ('d', 130, ["WHO|send||medicines|reported"]),
    ('d', 131, []),
    ('d', 132, []),
    ('d', 134, ["WHO|send||experts|reported"]),
    ('d', 145, ["ICG|send||vaccines,medicines,tests|reported"]),
    ('d', 149, ["WHO|send||medical_supplies|reported"]),
    ('e', 0, ["WHO|offer|GOV|aid|reported"]),
    ('e', 7, ["MX|offer||aid|reported"]),
    ('e', 17, ["WHO|request||funds|reported"]),
    ('e', 18, []),
    ('e', 22, ["ICG|accept|||reported", "|send|SD|vaccines|planned"]),
    ('e', 27, ["NL|send||vaccines|reported", "EU|send||vaccines|reported"]),
    ('e', 30, ["RW|request||vaccines|reported"]),
    ('e', 31, []),
    ('e', 33, ["CN|send|SL|medicines|reported"]),
    ('e', 41, ["CI|request|WHO|aid|reported"]),
]

# Quotes: (table, index, [ "speaker|role|org|anonymous|kind|content" ... ]).
# Tables: q = news quote candidates, w = WHO DON quote candidates, e = extra candidates.
Q = [
    ('q', 0, ["||police|0|reported|Raj Chohan, who lived in South Ozone Park, was walking towards a Sikh temple for a Friday evening service when Vishwanand Subryan, 23, of Schenectady, N.Y., allegedly mowed into the older woman with his gray 2013 Toyota Camry around 7 p. m."]),
    ('q', 2, ["Michael Hutchins|executive director and CEO|The Wildlife Society|0|direct|Politics plays a huge role in such decisions,"]),
    ('q', 3, ["Baehr|||0|reported|He was booked into county jail and was released by 6 a.m."]),
    ('q', 4, ["Feldman|||0|reported|SeaMicro's suitors were numerous in the days leading up to the AMD acquisition and included more than just semiconductor companies"]),
    ('q', 5, ["Budd|||0|reported|They have not been successful against systems where the patch has been applied"]),
    ('q', 7, ["Justin Trudeau|Prime Minister|Canada|0|reported|Any move by the United States to impose tariffs on Canadian steel and aluminum would be a \" very bad idea \" guaranteed to disrupt trade between the two countries"]),
    ('q', 9, ["Ema Suryani|doctor||0|direct|We have received around 50 people with injuries suffered when the walls of their houses collapsed,"]),
    ('q', 12, ["|||1|reported|Military aircraft from Sudan crossed the new international border with South Sudan and dropped bombs Thursday in and around a camp filled with refugees"]),
    ('q', 13, ["Earley|||0|reported|LaSalle is expected to be charged today"]),
    ('q', 14, ["Obama|||0|reported|the policy toward international family planning \"has been used as a political wedge issue."]),
    ('q', 16, ["|||1|reported|Damage to the Wasilla Bible Church was estimated at $ 1 million"]),
    ('q', 20, ["Salazar|Secretary||0|reported|he is concerned about the rule changes"]),
    ('q', 22, ["||police|0|reported|The 36 - year - old, who had been living in Melbourne, slipped and fell approximately 200 metres down a steep ice gully as he was approaching the Tasman Saddle Hut"]),
    ('q', 26, ["|||1|reported|Residents were locked in their homes and soldiers confiscated their mobile phones"]),
    ('q', 30, ["Lois Scholz|friend||0|direct|Kind, gentle, Christian, loved the Lord, and she's better off where she is now,"]),
    ('q', 31, ["Payton|||0|direct|We 're encouraged with the overall outlook and not having surgery it appears right now,"]),
    ('q', 32, ["King|medical records clerk|Kings County Hospital|0|reported|she gave a tape - recorded interview to detectives several hours after the shooting"]),
    ('q', 36, ["McDermott|||0|reported|the opportunity to play in the new conference became more of a factor as he got deeper into the decision - making process"]),
    ('q', 39, ["Roel Schouwenberg|senior antivirus researcher|Kaspersky Lab|0|direct|That shows that the wormability of a vulnerability is no longer a good indicator of the seriousness of a threat and that these Web-based threats are now much more dangerous than network worms,"]),
    ('q', 40, ["Salazar|||0|direct|By rolling back this 11th hour regulation, we are ensuring that threatened and endangered species continue to receive the full protection of the law,"]),
    ('q', 41, ["||police|0|reported|Carrasquillo was charged with murder, and Kristian Lopez was arrested for possession of a baseball bat"]),
    ('q', 44, ["Fauzi|||0|direct|Dozens of people were injured and are being treated at three hospitals,"]),
    ('q', 45, ["Trump|||0|reported|five locations were being considered for the summit, but that none of them were in the United States"]),
    ('q', 47, ["Manrosan|||0|reported|Evacuees still lived in tents and relatives' houses which were at higher grounds and far from sea for fear of possible tsunami"]),
    ('q', 48, ["Wolfgang Kandek|chief technology officer|Qualys Inc.|0|direct|With the Fix It out, I'm sure any attacker who is a bit sophisticated can figure out what the flaw is and implement a similar exploit in their own attack toolkit,"]),
    ('q', 49, ["Cerar|former commander for firearms training|Police Department|0|direct|it appears to be a good shooting"]),
    ('q', 50, ["Dave Gaskin|Police inspector||0|reported|Mr Buckley was well equipped at the time but was an inexperienced climber"]),
    ('q', 53, ["||AMD|1|reported|the acquisition of SeaMicro will boost the company ’ s offerings for cloud computing providers, who are keenly focused on reducing the energy used by their armadas of servers"]),
    ('q', 54, ["Paul Henry|security and forensic analyst|Lumension|0|reported|there are number of mitigating factors that limit the potential scope of this threat, but those factors may offer little consolation for many users"]),
    ('q', 56, ["Ed Snider|chairman|Sixers|0|direct|We do not want to change coaches [again],"]),
    ('q', 57, ["||UN|0|reported|About 14,000 people fled their homes at the weekend after a local tsunami warning was issued"]),
    ('q', 58, ["King|||0|direct|In talking with Ed, we felt the main focus was that we want to make the right decisions and not let money be the factor,"]),
    ('q', 59, ["Smith|||0|direct|The Chargers have always been leaders and positive contributors to our community,"]),
    ('q', 64, ["|||1|reported|they are sympathetic - even if they did n't like the ruin left behind"]),
    ('q', 68, ["Kempthorne|||0|reported|he knew changes to the act would evoke controversy but that he is certain the new rules would clear up confusion over the law that had existed for years"]),
    ('q', 69, ["Brees|||0|reported|he remained optimistic that the versatility of the Saints' offense and the way they spread the ball among so many players will allow them to weather such injuries perhaps better than most teams"]),
    ('q', 71, ["Obama|||0|reported|the review process had been undermined by past administrations"]),
    ('q', 72, ["Ken Salazar|Interior Secretary||0|direct|To establish an orderly process that allows us to make wise decisions based on sound information, we need to set aside"]),
    ('q', 77, ["Rossi|||0|direct|As that little girl lay bleeding to death on the sidewalk, this defendant pedaled off and got rid of the evidence,"]),
    ('q', 80, ["Howard|||0|reported|state law is murky on whether a judge could inquire or replace jurors during the penalty phase"]),
    ('q', 81, ["Mahnefah Gray|sister||0|reported|a witness told her that Kimani was adjusting for his belt and that even if he had a gun, he wouldn't point it at the police"]),
    ('q', 85, ["Owen|||0|reported|firefighters were pouring 5, 000 gallons of water per minute onto the blaze as history burned"]),
    ('q', 86, ["Bruce Shaw|director of worldwide commercial marketing|AMD|0|reported|The acquisition of ATI by AMD will now provide computer makers and customers with another choice for integrated microprocessor and graphics processor platforms"]),
    ('q', 91, ["Bensu Elianita|resident||0|direct|I see many houses were damaged and their roofs fell onto some people,"]),
    ('q', 92, ["Larry Kroon|||0|reported|some parishioners were in the church on Nicola Avenue at the time the fire was noticed but no one was injured"]),
    ('q', 97, ["Childs|||0|direct|We are actively working to develop a security update to address this issue,"]),
    ('q', 99, ["Paris Kyriakides|protester||0|direct|Speaking as an anarchist, we want to create those social conditions that will generate more uprisings and to get more people out in the streets to demand their rights,"]),
    ('q', 100, ["Andrew Feldman|CEO|SeaMicro|0|direct|What we saw was a chance to take our technology to multiple markets, with multiple partners, in multiple geographies — in ways we couldn ’ t do on our own,"]),
    ('q', 101, ["Gaskin|||0|reported|other climbers attempted to rescue Rait by taking him down the glacier, but that he died on the way down"]),
    ('q', 102, ["Khaled Saad|spokesman|Sudanese Army|0|reported|the military had repelled a planned attack by forces loyal to the southern movement, or Sudan People's Liberation Army, who hail from a minority ethnic group now in control of much of South Sudan"]),
    ('q', 106, ["Samir|father||0|reported|the bodies were so mangled that he could not tell his son from the cousins"]),
    ('q', 108, ["Susilo Bambang Yudhoyono|President||0|reported|At least four people died in Papua, where the runway of the airport nearest the epicenter was split by the force"]),
    ('q', 109, ["|||1|reported|turnout reached 93.87 percent in the election for 288 candidates, all of whom support the policies of President Gurbanguly Berdymukhamedov in the ex-Soviet republic"]),
    ('q', 111, ["Sutopo Purwo Nugroho|spokesman|national disaster agency|0|reported|The quake, which hit at a shallow depth of just 10 kilometres, injured more than 200 people and damaged more than 300 houses in Aceh"]),
    ('q', 114, ["Lang|commissioner|Pariang county|0|reported|12 people had been killed and the death toll could rise"]),
    ('q', 119, ["Sean Payton|Head Coach|Saints|0|direct|Right now, for him, it's going to be rehab and rest with it,"]),
    ('q', 120, ["McAllister|||0|direct|Whatever the motives of the arsonist, the governor has faith in the scriptural passage that what was intended for evil will in some way be used for good,"]),
    ('q', 121, ["Umm Ibrahim|||0|reported|she had lost an eight-year-old daughter and two sons, 11 and 14"]),
    ('q', 122, ["Fauzi|disaster agency official||0|reported|Around 40 houses were damaged by the quake, including some which were flattened"]),
    ('q', 128, ["Dermer|||0|reported|Iran is not being hurt in any way by the deal"]),
    ('q', 129, ["|||1|reported|Lindsay Lohan checked into California's Betty Ford Center rehab facility late Thursday, dodging arrest after whirlwind confusion surrounding the actress' whereabouts"]),
    ('q', 131, ["Lu|||0|direct|for the foreseeable future,"]),
    ('q', 134, ["Manning|||0|direct|It was a funny game, we were completing some passes but we were down 14-0,"]),
    ('q', 135, ["Manning|||0|direct|We 've overcome a lot of obstacles,"]),
    ('q', 138, ["Tom Karako|director|Missile Defense Project|0|reported|the North likely has a list of demands, some of which might be hard for the U.S. to meet"]),
    ('q', 139, ["Jon Owen|public safety director|Palmer|0|direct|You can't call it arson yet,"]),
    ('q', 144, ["|||1|reported|any Nichols victory was hollow"]),
    ('q', 158, ["||Police|0|reported|Mr Buckley's group appeared to be \"insufficiently\" equipped and inexperienced for the climb they chose"]),
    ('w', 0, ["Roses|||0|reported|In all countries, health authorities have taken control measures to improve food safety and to guarantee the quality of water for human consumption, and have sent doctors and epidemiologists to areas where outbreaks have been reported to take control measures and educate the communities on preventive measures"]),
    ('w', 13, ["James Maguire|expert|WHO|0|reported|despite extremely difficult working conditions, hospital staff had risen to the occasion"]),
    ('w', 14, ["Maguire|epidemiologist|US Centers for Disease Control and Prevention|0|reported|there was a need for more specialized equipment such as masks, gloves, ventilatory equipment, layer protective gear, and ambulances to transport patients between hospitals"]),
    ('w', 17, ["Chin|||0|reported|Given the relatively large number of SARS cases in Beijing, such a criterion cannot be used"]),
    ('w', 18, ["Chin|||0|reported|patients with milder SARS symptoms must be treated with all the same precautions"]),
    ('w', 20, ["Maguire|||0|reported|numerous checkpoints on roads and at train and bus stations, where identification cards are checked and body temperatures recorded, seem to be an effective way of controlling the spread of SARS"]),
    ('e', 26, ["Bekedam|||0|direct|With SARS seemingly on the decline for now, there is a great need to strengthen the SARS control and surveillance system in China,"]),
]


def main():
    tables = {'d': don_candidates(), 'e': extra_candidates(), 'q': quote_candidates(), 'w': don_quote_candidates()}
    out = sys.stdout
    for kind, rows in (('actions', A), ('quotes', Q)):
        for n, (t, i, anns) in enumerate(rows):
            src, text = tables[t][i]
            rec = {"id": f"{kind}-{n:03d}", "source": src, "split": "heldout" if n % 4 == 3 else "dev", "text": text}
            if kind == 'actions':
                acts = []
                for a in anns:
                    f = a.split('|')
                    acts.append({"actor": f[0] or None, "action": f[1], "recipient": f[2] or None,
                                 "items": [x for x in f[3].split(',') if x], "modality": f[4],
                                 "hedged": len(f) > 5 and f[5] == '1'})
                rec["actions"] = acts
            else:
                qs = []
                for a in anns:
                    f = a.split('|', 5)
                    if f[5] not in text:
                        raise SystemExit(f"quote content not in text: {rec['id']}: {f[5]!r}")
                    qs.append({"speaker": f[0] or None, "role": f[1] or None, "org": f[2] or None,
                               "anonymous": f[3] == '1', "kind": f[4], "content": f[5]})
                rec["quotes"] = qs
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
