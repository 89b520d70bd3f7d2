#include "validate/inputs.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cairn::validate
