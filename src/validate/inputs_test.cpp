#include "validate/inputs.h"

#include <gtest/gtest.h>

#include "geography/postcode_directory.h"

namespace cairn::validate {
namespace {

TEST(ValidateInputs, Ssda903TablesAreKnownByTheirColumnsAndUpperCased) {
  Result<LoadedReturns> loaded = LoadReturnTexts(
      {{"a.csv", "SEX,CHILD,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,c1,01/02/2010,wbri,,,\n2,c2,01/02/2011,WBRI,,,\n"},
       {"b.csv", "CHILD,SEX,DOB,DUC\nc2,2,01/02/2011,01/01/2030\n"},
       {"c.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nc1,1,01/02/2010,WBRI,,,\n", true}},
      2026, "E08000014", "343");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->ssda903.has_value());
  EXPECT_FALSE(loaded->cin.has_value());
  const Table* header = loaded->ssda903->Find("Header");
  ASSERT_NE(header, nullptr);
  EXPECT_EQ(header->Text("ETHNIC", 0), "WBRI");
  EXPECT_EQ(header->Text("CHILD", 1), "C2");
  EXPECT_EQ(header->Line(1), 3);
  // UASC: 1 for the child with a UASC row.
  EXPECT_EQ(header->Text("UASC", 0), "0");
  EXPECT_EQ(header->Text("UASC", 1), "1");
  EXPECT_NE(loaded->ssda903->Find("Header_last"), nullptr);
  EXPECT_EQ(loaded->ssda903->collection_start, Date::FromYmdOrDie(2025, 4, 1));
  EXPECT_EQ(header->DateAt("DOB", 0), Date::FromYmdOrDie(2010, 2, 1));
}

TEST(ValidateInputs, UnknownColumnsAndTwoCopiesOfATableAreRefusedByName) {
  Result<LoadedReturns> unknown = LoadReturnTexts({{"odd.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n"}}, 2026, "", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("odd.csv line 1"), std::string::npos) << unknown.status().message();
  EXPECT_NE(unknown.status().message().find("Header"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("MC_DOB"), std::string::npos);
  Result<LoadedReturns> twice = LoadReturnTexts(
      {{"a.csv", "CHILD,SEX,DOB,DUC\n"}, {"b.csv", "CHILD,SEX,DOB,DUC\n"}}, 2026, "", "");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("a.csv and b.csv"), std::string::npos) << twice.status().message();
  Result<LoadedReturns> text = LoadReturnTexts({{"notes.txt", "hello"}}, 2026, "", "");
  EXPECT_FALSE(text.ok());
}

const char* kCin = R"(<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>343</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>A1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>MOB</Disability><Disability>HAND</Disability></Disabilities></ChildCharacteristics>
      <CINdetails><CINreferralDate>2025-05-01</CINreferralDate>
        <Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors><AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <ChildProtectionPlans><CPPstartDate>2025-06-01</CPPstartDate>
          <Reviews><CPPreviewDate>2025-07-01</CPPreviewDate><CPPreviewDate>2025-12-01</CPPreviewDate></Reviews></ChildProtectionPlans>
      </CINdetails>
      <CINdetails><CINreferralDate>2025-09-01</CINreferralDate></CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>B2</LAchildID></ChildIdentifiers>
    </Child>
  </Children>
</Message>
)";

TEST(ValidateInputs, CinCensusIsFlattenedAsTheValidatorFlattensIt) {
  Result<LoadedReturns> loaded = LoadReturnTexts({{"cin.xml", kCin}}, 2026, "", "343");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->cin.has_value());
  const Return& cin = *loaded->cin;
  EXPECT_EQ(cin.collection_end, Date::FromYmdOrDie(2026, 3, 31));
  EXPECT_EQ(cin.collection_start, Date::FromYmdOrDie(2025, 4, 1));
  EXPECT_EQ(cin.Find("Header")->Text("LEA", 0), "343");
  EXPECT_EQ(cin.Find("ChildIdentifiers")->rows(), 2u);
  EXPECT_EQ(cin.Find("ChildCharacteristics")->rows(), 2u);
  EXPECT_EQ(cin.Find("Disabilities")->rows(), 2u);
  const Table& details = *cin.Find("CINdetails");
  ASSERT_EQ(details.rows(), 2u);
  EXPECT_EQ(details.Text("CINdetailsID", 1), "2");
  EXPECT_EQ(details.Text("LAchildID", 1), "A1");
  EXPECT_EQ(cin.Find("Assessments")->Text("AssessmentFactors", 0), "1A,2B");
  EXPECT_EQ(cin.Find("AssessmentFactorsList")->rows(), 2u);
  const Table& reviews = *cin.Find("Reviews");
  ASSERT_EQ(reviews.rows(), 2u);  // both dates of the one Reviews element
  EXPECT_EQ(reviews.Text("CPPID", 1), "1");
  EXPECT_EQ(reviews.DateAt("CPPreviewDate", 1), Date::FromYmdOrDie(2025, 12, 1));
  EXPECT_EQ(cin.Find("ChildIdentifiers")->Line(1), 20);  // the line of its <Child>
}

TEST(ValidateInputs, BrokenXmlNamesTheLine) {
  std::string broken = kCin;
  broken.replace(broken.find("<LAchildID>B2</LAchildID>"), 25, "<LAchildID>B2</LAchild>");
  Result<LoadedReturns> loaded = LoadReturnTexts({{"cin.xml", broken}}, 2026, "", "");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("cin.xml line 21"), std::string::npos) << loaded.status().message();
  std::string no_date = kCin;
  no_date.replace(no_date.find("2026-03-31"), 10, "31/03/2026");
  EXPECT_FALSE(LoadReturnTexts({{"cin.xml", no_date}}, 2026, "", "").ok());
}

// A census of `children` children, each on three lines, large enough past a few thousand to be
// read in two halves on two threads.
std::string LargeCin(int children) {
  std::string text = R"(<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header><CollectionDetails><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>
  <Children>
)";
  for (int i = 0; i < children; ++i) {
    text += "    <Child><ChildIdentifiers><LAchildID>C" + std::to_string(i) + "</LAchildID></ChildIdentifiers>\n";
    text += "      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n";
    text += "      <CINdetails><CINreferralDate>2025-05-01</CINreferralDate></CINdetails></Child>\n";
  }
  text += "  </Children>\n</Message>\n";
  return text;
}

TEST(ValidateInputs, ALargeCensusKeepsItsChildrenInFileOrderWithTheirLines) {
  const int children = 20000;  // about 4 MB: read in two halves
  const std::string text = LargeCin(children);
  ASSERT_GT(text.size(), 2u << 20);
  Result<LoadedReturns> loaded = LoadReturnTexts({{"cin.xml", text}}, 2026, "", "");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Table& identifiers = *loaded->cin->Find("ChildIdentifiers");
  const Table& details = *loaded->cin->Find("CINdetails");
  ASSERT_EQ(identifiers.rows(), static_cast<std::size_t>(children));
  ASSERT_EQ(details.rows(), static_cast<std::size_t>(children));
  for (int i = 0; i < children; ++i) {
    const auto row = static_cast<std::size_t>(i);
    ASSERT_EQ(identifiers.Text("LAchildID", row), "C" + std::to_string(i));
    ASSERT_EQ(details.Text("LAchildID", row), "C" + std::to_string(i));
    ASSERT_EQ(identifiers.Line(row), 5 + 3 * i);
    ASSERT_EQ(details.Line(row), 5 + 3 * i);
  }
}

TEST(ValidateInputs, ALargeCensusReportsTheFirstFaultInTheFile) {
  const int children = 20000;
  std::string text = LargeCin(children);
  // A broken child late in the file (the second half) and an unclosed one early (the first).
  const std::size_t late = text.find("<LAchildID>C15000</LAchildID>");
  text.replace(late, 29, "<LAchildID>C15000</LAchild>");
  Result<LoadedReturns> late_only = LoadReturnTexts({{"cin.xml", text}}, 2026, "", "");
  ASSERT_FALSE(late_only.ok());
  EXPECT_NE(late_only.status().message().find("cin.xml line " + std::to_string(5 + 3 * 15000)), std::string::npos)
      << late_only.status().message();
  const std::size_t early = text.find("<LAchildID>C100</LAchildID>");
  text.replace(early, 27, "<LAchildID>C100</LAchildI>");
  Result<LoadedReturns> both = LoadReturnTexts({{"cin.xml", text}}, 2026, "", "");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("cin.xml line " + std::to_string(5 + 3 * 100)), std::string::npos)
      << both.status().message();
}

TEST(ValidateInputs, PlacementDistanceIsRoundedAsNumpyAndPrintedAsPandas) {
  EXPECT_EQ(FormatPlacementDistance(12.3), "12.3");
  EXPECT_EQ(FormatPlacementDistance(5.0), "5.0");
  EXPECT_EQ(FormatPlacementDistance(0.0), "0.0");
  EXPECT_EQ(FormatPlacementDistance(0.04), "0.0");
  EXPECT_EQ(FormatPlacementDistance(12.25), "12.2") << "half to even";
  // 12.35 is a little under 12.35 as a double, but times ten it is 123.5 exactly, which rounds to
  // even: numpy says 12.4 where Python's round() says 12.3.
  EXPECT_EQ(FormatPlacementDistance(12.35), "12.4");
  EXPECT_EQ(FormatPlacementDistance(38.8879), "38.9");
  EXPECT_EQ(FormatPlacementDistance(999.96), "1000.0");
}

TEST(ValidateInputs, EpisodesGainThePostcodeColumnsAsTheValidatorDerivesThem) {
  const std::string episodes =
      "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
      "C1,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,bb11 1aa,\n"    // Burnley: Lancashire
      "C2,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,L203AB,\n"      // Sefton itself
      "C3,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,EH1 1AA,\n"     // Edinburgh
      "C4,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,CF10 1AA,\n"    // Cardiff
      "C5,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,XH9 1AE,\n"     // not a postcode
      "C6,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,AB11 3AG,\n"    // no district, no grid reference
      "C7,01/05/2025,S,C2,N1,U1,PR1,,,,L20 3AA,,\n"            // no placement postcode
      "C8,01/05/2025,S,C2,N1,U1,PR1,,,,,GY1 1AA,\n"            // Guernsey: a district Cairn does not list
      "C9,01/05/2025,S,C2,N1,U1,PR1,,,,XH2 8FB,L20 3AB,\n";    // home not a postcode
  geography::PostcodeDirectory postcodes;
  postcodes.Add("L20 3AA", {"E08000014", 334467, 394739});
  postcodes.Add("L20 3AB", {"E08000014", 334674, 394895});
  postcodes.Add("BB11 1AA", {"E07000117", 384179, 432756});
  postcodes.Add("EH1 1AA", {"S12000036", 325910, 674040});
  postcodes.Add("CF10 1AA", {"W06000015", 318284, 176230});
  postcodes.Add("AB11 3AG", {"", std::nullopt, std::nullopt});
  postcodes.Add("GY1 1AA", {"L99999999", 1, 1});
  const std::vector<ReturnText> texts = {{"episodes.csv", episodes}, {"last.csv", episodes, true}};

  Result<LoadedReturns> without = LoadReturnTexts(texts, 2026, "E08000014", "343");
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_FALSE(without->ssda903->Find("Episodes")->Has("PL_LA")) << "no directory, no derived columns";
  EXPECT_EQ(PostcodesNeeded(*without),
            (std::set<std::string, std::less<>>{"AB113AG", "BB111AA", "CF101AA", "EH11AA", "GY11AA", "L203AA",
                                                "L203AB", "XH28FB", "XH91AE"}));

  Result<LoadedReturns> loaded = LoadReturnTexts(texts, 2026, "E08000014", "343", &postcodes);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  for (const char* name : {"Episodes", "Episodes_last"}) {
    SCOPED_TRACE(name);
    const Table& table = *loaded->ssda903->Find(name);
    auto row = [&table](std::size_t i) {
      return table.Text("PL_LA", i) + "|" + table.Text("PL_LOCATION", i) + "|" + table.Text("PL_DISTANCE", i);
    };
    EXPECT_EQ(row(0), "E10000017|OUT|38.9");
    EXPECT_EQ(row(1), "E08000014|IN|0.2");  // 207 m east, 156 m north
    EXPECT_EQ(row(2), "SCO|OUT|173.6");
    EXPECT_EQ(row(3), "WAL|OUT|136.2");
    EXPECT_EQ(row(4), "||");
    EXPECT_EQ(row(5), "||");
    EXPECT_EQ(row(6), "||");
    EXPECT_EQ(row(7), "|OUT|");
    EXPECT_EQ(row(8), "E08000014|IN|");
  }
  // Another council's return: Sefton's placements are out of its area.
  Result<LoadedReturns> lancashire = LoadReturnTexts(texts, 2026, "E10000017", "888", &postcodes);
  ASSERT_TRUE(lancashire.ok());
  EXPECT_EQ(lancashire->ssda903->Find("Episodes")->Text("PL_LOCATION", 0), "IN");
  EXPECT_EQ(lancashire->ssda903->Find("Episodes")->Text("PL_LOCATION", 1), "OUT");
}

TEST(ValidateInputs, Ssda903XmlBecomesTheTablesTheCsvWouldGive) {
  const std::string xml = R"(<?xml version="1.0"?>
<EXPSSDA903>
<CHILD><HEADER><CHILDID>a1</CHILDID><UPN>A123</UPN><SEX>2</SEX><DOB>28/07/2010</DOB><ETHNIC>bafr</ETHNIC><UASC>1</UASC><DUC>01/01/2027</DUC>
  <AREVIEW><REVIEW>27/09/2025</REVIEW><REVIEW_CODE>PN0</REVIEW_CODE></AREVIEW>
  <AREVIEW><REVIEW>14/01/2026</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
  <MOTHER /><MC_DOB /><OC2><SDQ_SCORE>21</SDQ_SCORE></OC2></HEADER>
  <EPISODE><DECOM>06/05/2025</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N4</CIN><PL>R5</PL><PL_POST>E7 5YR</PL_POST><HOME_POST>B15 8PZ</HOME_POST><DEC>06/10/2025</DEC><REC>X1</REC></EPISODE>
  <EPISODE><DECOM>06/10/2025</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N4</CIN><PL>U1</PL><DEC /><REC /></EPISODE>
</CHILD>
<CHILD><HEADER><CHILDID>B2</CHILDID><SEX>1</SEX><DOB>01/01/2008</DOB><UASC /><IN_TOUCH>YES</IN_TOUCH><ACTIV>F2</ACTIV><ACCOM>B</ACCOM></HEADER></CHILD>
</EXPSSDA903>
)";
  Result<LoadedReturns> loaded = LoadReturnTexts({{"return.xml", xml}}, 2026, "", "");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->ssda903.has_value());
  const Return& ssda903 = *loaded->ssda903;
  const Table& header = *ssda903.Find("Header");
  ASSERT_EQ(header.rows(), 2u);
  EXPECT_EQ(header.Text("CHILD", 0), "A1");  // upper-cased, as the CSV tables are
  EXPECT_EQ(header.Text("ETHNIC", 0), "BAFR");
  EXPECT_EQ(header.Text("UASC", 0), "1");
  EXPECT_EQ(header.Text("UASC", 1), "");
  EXPECT_EQ(header.Line(1), 10);
  const Table& episodes = *ssda903.Find("Episodes");
  ASSERT_EQ(episodes.rows(), 2u);
  EXPECT_EQ(episodes.Text("PLACE", 0), "R5");  // PL is PLACE
  EXPECT_EQ(episodes.Text("CHILD", 1), "A1");
  EXPECT_EQ(episodes.Text("PL_POST", 1), "");
  EXPECT_EQ(ssda903.Find("Reviews")->rows(), 2u);
  EXPECT_EQ(ssda903.Find("Reviews")->Text("REVIEW_CODE", 1), "PN1");
  EXPECT_EQ(ssda903.Find("UASC")->rows(), 1u);
  EXPECT_EQ(ssda903.Find("UASC")->Text("DUC", 0), "01/01/2027");
  EXPECT_EQ(ssda903.Find("OC3")->rows(), 1u);
  EXPECT_EQ(ssda903.Find("OC2")->rows(), 1u);
  EXPECT_EQ(ssda903.Find("AD1")->rows(), 0u);
  EXPECT_EQ(ssda903.Find("SWEpisodes"), nullptr);
  // One return is CSV tables or one XML file, not both.
  EXPECT_FALSE(LoadReturnTexts({{"return.xml", xml}, {"uasc.csv", "CHILD,SEX,DOB,DUC\n"}}, 2026, "", "").ok());
  std::string broken = xml;
  broken.replace(broken.find("</ACCOM>"), 8, "</ACC>");
  Result<LoadedReturns> refused = LoadReturnTexts({{"return.xml", broken}}, 2026, "", "");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("return.xml line 10"), std::string::npos) << refused.status().message();
}

TEST(ValidateInputs, TheReferenceSsda903XmlSampleIsRead) {
  Result<LoadedReturns> loaded = LoadReturnFiles({{CAIRN_REFERENCE_DIR "/ssda903/fake_903.xml"}, {}, 2018, "", "", nullptr});
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Return& ssda903 = *loaded->ssda903;
  EXPECT_GT(ssda903.Find("Header")->rows(), 100u);
  EXPECT_GT(ssda903.Find("Episodes")->rows(), ssda903.Find("Header")->rows());
  for (std::size_t row = 0; row < ssda903.Find("Episodes")->rows(); ++row) {
    ASSERT_FALSE(ssda903.Find("Episodes")->Text("CHILD", row).empty()) << row;
  }
}

}  // namespace
}  // namespace cairn::validate
