# Export the real datasets of the validation set (issue #34) from R's own packages, once, to CSV.
# Run from the repository root: Rscript data/validation/real/export.R
# Each file is the dataset as R ships it, with plain column names (the toolkit's names are identifiers) and labels
# spelled out; nothing is dropped or changed otherwise. versions.json records R's and each package's version.
suppressPackageStartupMessages({library(MASS); library(survival); library(jsonlite)})
out <- "data/validation/real"
w <- function(df, name) write.csv(df, file.path(out, paste0(name, ".csv")), row.names = FALSE)

# datasets (R core, GPL-2 | GPL-3)
w(data.frame(group = as.character(ToothGrowth$supp), len = ToothGrowth$len, dose = ToothGrowth$dose), "toothgrowth")
w(data.frame(group = as.character(PlantGrowth$group), weight = PlantGrowth$weight), "plantgrowth")
w(data.frame(group = ifelse(mtcars$am == 1, "manual", "automatic"), mpg = mtcars$mpg, wt = mtcars$wt,
             qsec = mtcars$qsec, drat = mtcars$drat), "mtcars")
w(data.frame(group = as.character(chickwts$feed), weight = chickwts$weight), "chickwts")
w(data.frame(speed = cars$speed, dist = cars$dist), "cars")
w(data.frame(eruptions = faithful$eruptions, waiting = faithful$waiting), "faithful")
w(data.frame(girth = trees$Girth, height = trees$Height, volume = trees$Volume), "trees")
w(data.frame(group = as.character(iris$Species), sepal_length = iris$Sepal.Length, sepal_width = iris$Sepal.Width,
             petal_length = iris$Petal.Length), "iris")
sl <- reshape(sleep, idvar = "ID", timevar = "group", direction = "wide")
w(data.frame(id = as.integer(sl$ID), extra_drug1 = sl$extra.1, extra_drug2 = sl$extra.2), "sleep")
tt <- as.data.frame(Titanic)
tt <- tt[rep(seq_len(nrow(tt)), tt$Freq), ]
w(data.frame(sex = tolower(as.character(tt$Sex)), age = tolower(as.character(tt$Age)),
             survived = tolower(as.character(tt$Survived))), "titanic")
ucb <- as.data.frame(UCBAdmissions)
ucb <- ucb[rep(seq_len(nrow(ucb)), ucb$Freq), ]
w(data.frame(gender = tolower(as.character(ucb$Gender)), admitted = ifelse(ucb$Admit == "Admitted", "yes", "no"),
             dept = as.character(ucb$Dept)), "ucbadmissions")

# MASS (GPL-2 | GPL-3)
w(data.frame(group = ifelse(birthwt$smoke == 1, "smoker", "nonsmoker"), smoke = birthwt$smoke, low = birthwt$low,
             low_label = ifelse(birthwt$low == 1, "yes", "no"), age = birthwt$age, lwt = birthwt$lwt, bwt = birthwt$bwt),
  "birthwt")
w(data.frame(group = ifelse(cats$Sex == "M", "male", "female"), bwt = cats$Bwt, hwt = cats$Hwt), "cats")
w(data.frame(group = as.character(anorexia$Treat), prewt = anorexia$Prewt, postwt = anorexia$Postwt), "anorexia")
w(data.frame(type = as.integer(Pima.tr$type == "Yes"), glu = Pima.tr$glu, bmi = Pima.tr$bmi, age = Pima.tr$age),
  "pima")

# survival (LGPL-2 | LGPL-2.1 | LGPL-3)
lu <- lung[complete.cases(lung[, c("time", "status", "age", "sex")]), ]
w(data.frame(time = lu$time, died = as.integer(lu$status == 2), age = lu$age, female = as.integer(lu$sex == 2)),
  "lung")
w(data.frame(time = veteran$time, died = veteran$status, karno = veteran$karno, test_drug = as.integer(veteran$trt == 2)),
  "veteran")
# Deaths by cause (one row per person, 0/1 per cause; all 7874 people), for the rate model (rate_interaction)
cause <- as.character(flchain$chapter)
w(data.frame(age = flchain$age, female = as.integer(flchain$sex == "F"), died = flchain$death,
             circulatory = as.integer(cause %in% "Circulatory"), respiratory = as.integer(cause %in% "Respiratory"),
             neoplasm = as.integer(cause %in% "Neoplasms")), "flchain")

versions <- list(R = R.version.string, MASS = as.character(packageVersion("MASS")),
                 survival = as.character(packageVersion("survival")),
                 datasets = as.character(packageVersion("datasets")))
writeLines(toJSON(versions, auto_unbox = TRUE, pretty = TRUE), file.path(out, "versions.json"))
