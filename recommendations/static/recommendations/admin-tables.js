// A change page's tables (progress entries, evidence) read on a phone: each cell is given its
// column's title, which admin-site.css shows before the value when the rows stack (≤ 767 px).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
    for (const table of document.querySelectorAll(".inline-group .tabular table")) {
        const titles = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
        for (const row of table.querySelectorAll("tbody tr")) {
            [...row.cells].forEach((cell, index) => {
                if (titles[index] && cell.colSpan === 1) cell.dataset.label = titles[index];
            });
        }
    }
});
